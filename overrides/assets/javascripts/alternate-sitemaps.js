(function (proto, own) {
  var open = proto.open, send = proto.send, first = null;
  proto.open = function (method, url) {
    var path = new URL(String(url), location.href).pathname;
    this._sdmSitemap = /\/sitemap\.xml$/.test(path) ? (path === own ? "own" : "other") : "";
    return open.apply(this, arguments);
  };
  proto.send = function () {
    var xhr = this, args = arguments;
    if (xhr._sdmSitemap == "other") return xhr.dispatchEvent(new ProgressEvent("abort"));
    if (xhr._sdmSitemap != "own") return send.apply(xhr, args);
    if (!first) {
      first = new Promise(function (done) { xhr.addEventListener("loadend", done); });
      return send.apply(xhr, args);
    }
    first.then(function () { send.apply(xhr, args); });
  };
})(XMLHttpRequest.prototype, document.currentScript.dataset.sitemap);
