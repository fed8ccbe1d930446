(function (proto, own) {
  var open = proto.open, send = proto.send, first = null;
  proto.open = function (method, url) {
    var xhr = this, to = new URL(String(url), location.href), at = to.origin + to.pathname;
    xhr._sdmSitemap = /\/sitemap\.xml$/.test(at) ? (at !== own ? "other" : first ? "repeat" : "own") : "";
    if (xhr._sdmSitemap == "own") {
      first = new Promise(function (done) {
        xhr.addEventListener("load", function () {
          done(xhr.status == 200 ? { type: xhr.responseType, body: xhr.response } : null);
        });
        xhr.addEventListener("loadend", function () { done(null); });
      });
    }
    return open.apply(xhr, arguments);
  };
  proto.send = function () {
    var xhr = this, args = arguments;
    if (xhr._sdmSitemap == "other") return xhr.dispatchEvent(new ProgressEvent("abort"));
    if (xhr._sdmSitemap != "repeat") return send.apply(xhr, args);
    first.then(function (got) {
      if (!got || got.type != xhr.responseType) return send.apply(xhr, args);
      [["readyState", 4], ["status", 200], ["response", got.body]].forEach(function (field) {
        Object.defineProperty(xhr, field[0], { value: field[1] });
      });
      ["load", "loadend"].forEach(function (name) { xhr.dispatchEvent(new ProgressEvent(name)); });
    });
  };
})(XMLHttpRequest.prototype, new URL(document.currentScript.dataset.sitemap, location.href).href);
