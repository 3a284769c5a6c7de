// Preloaded into the AutoRest test server (node --require): every TCP server it opens listens
// on 127.0.0.1 only. The server itself calls app.listen(port), which binds every interface.
"use strict";
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    const port = Number(args[0]);
    const rest = typeof args[1] === "string" ? args.slice(2) : args.slice(1);
    return listen.call(this, port, "127.0.0.1", ...rest);
  }
  if (args[0] !== null && typeof args[0] === "object" && !Array.isArray(args[0])) {
    return listen.call(this, { ...args[0], host: "127.0.0.1" }, ...args.slice(1));
  }
  throw new Error("loopback.cjs: refusing a listen() call it cannot pin to 127.0.0.1");
};
