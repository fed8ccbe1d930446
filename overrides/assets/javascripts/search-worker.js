/* Stands in for Material's search worker until it is needed: the first message
   (the index, sent once search opens) loads the real worker, then is replayed. */
var real = new URLSearchParams(self.location.search).get("src") || "";
self.addEventListener("message", function boot(event) {
  self.removeEventListener("message", boot);
  if (!/^workers\/search\.[\w.]+\.js$/.test(real)) throw new Error("bad worker: " + real);
  importScripts(new URL(real, self.location.href).href);
  self.dispatchEvent(new MessageEvent("message", { data: event.data }));
});
