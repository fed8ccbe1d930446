(function (proto, own) {
  var open = proto.open, send = proto.send, first = null;
  proto.open = function (method, url) {
    var to = new URL(String(url), location.href), at = to.origin + to.pathname;
    this._sdmSitemap = /\/sitemap\.xml$/.test(at) ? (at === own ? "own" : "other") : "";
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
})(XMLHttpRequest.prototype, new URL(document.currentScript.dataset.sitemap, location.href).href);
