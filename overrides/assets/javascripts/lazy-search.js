(function () {
  var proto = XMLHttpRequest.prototype, open = proto.open, send = proto.send;
  var waiting = [], released = /[?&]h=/.test(location.search);
  function release() {
    if (released) return;
    released = true;
    waiting.splice(0).forEach(function (job) { send.apply(job[0], job[1]); });
  }
  proto.open = function (method, url) {
    this._sdmIndex = /search\/search_index\.json$/.test(String(url));
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (this._sdmIndex && !released) waiting.push([this, arguments]);
    else send.apply(this, arguments);
  };
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search") release();
  });
  var Real = window.Worker;
  window.Worker = function (url, options) {
    if (!/\/search-worker\.js\?/.test(String(url))) return new Real(url, options);
    var stand = new EventTarget(), worker = null;
    stand.postMessage = function () {
      if (!worker) {
        worker = new Real(url, options);
        ["message", "error"].forEach(function (name) {
          worker.addEventListener(name, function (event) {
            stand.dispatchEvent(new MessageEvent(name, { data: event.data }));
          });
        });
      }
      worker.postMessage.apply(worker, arguments);
    };
    stand.terminate = function () { if (worker) worker.terminate(); };
    return stand;
  };
  window.Worker.prototype = Real.prototype;
})();
