(function (proto, own) {
  var open = proto.open, send = proto.send;
  proto.open = function (method, url) {
    var path = new URL(String(url), location.href).pathname;
    this._sdmNotOurs = /\/sitemap\.xml$/.test(path) && path !== own;
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (!this._sdmNotOurs) return send.apply(this, arguments);
    this.dispatchEvent(new ProgressEvent("abort"));
  };
})(XMLHttpRequest.prototype, document.currentScript.dataset.sitemap);
