// llmwall's Node.js preload: makes built-in fetch (and every SDK on it: openai,
// @anthropic-ai/sdk, ...) and the http/https modules use HTTPS_PROXY on Node versions
// that ignore it. `llmwall wrap` loads it with NODE_OPTIONS=--require <this file>.
//
// Only what Node itself provides: the Agent class of the undici copy bundled in Node
// (reachable through the global dispatcher it installs when fetch is first used) gets a
// `connect` function that opens an HTTP CONNECT tunnel through the proxy and starts TLS
// inside it; https.globalAgent and http.globalAgent get the same tunnel. Trust is Node's
// own (NODE_EXTRA_CA_CERTS, which llmwall points at the merged bundle).
//
// On Node >= 22.21 (22.x) or >= 24.5, NODE_USE_ENV_PROXY=1 does this natively, and this
// file does nothing. Nothing here reads or logs request content.
"use strict";

(function llmwallProxyPreload() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  const native = (major === 22 && minor >= 21) || major > 24 || (major === 24 && minor >= 5);
  const env = process.env;
  const proxyUrl = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!proxyUrl || (native && env.NODE_USE_ENV_PROXY === "1")) return;
  if (globalThis.__llmwallProxyPreload) return; // loaded twice (nested NODE_OPTIONS)
  globalThis.__llmwallProxyPreload = true;

  const net = require("node:net");
  const tls = require("node:tls");
  const http = require("node:http");
  const https = require("node:https");

  const proxy = new URL(proxyUrl);
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, "");
  const proxyPort = Number(proxy.port) || 80;
  const proxyAuth = proxy.username
    ? "Basic " +
      Buffer.from(
        decodeURIComponent(proxy.username) + ":" + decodeURIComponent(proxy.password)
      ).toString("base64")
    : null;
  const noProxy = String(env.NO_PROXY || env.no_proxy || "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

  function bypass(host, port) {
    host = String(host).toLowerCase().replace(/^\[|\]$/g, "");
    if (host === "localhost" || host === "::1" || host.startsWith("127.")) return true;
    for (const entry of noProxy) {
      if (entry === "*") return true;
      let name = entry;
      let entryPort = null;
      const m = /^(.*):(\d+)$/.exec(entry);
      if (m && !entry.includes("::")) [name, entryPort] = [m[1], m[2]];
      if (entryPort && String(entryPort) !== String(port)) continue;
      name = name.replace(/^\*?\./, "").replace(/^\[|\]$/g, "");
      if (host === name || host.endsWith("." + name)) return true;
    }
    return false;
  }

  // Open a CONNECT tunnel to host:port through the proxy; callback(err, socket).
  function tunnel(host, port, callback) {
    let done = false;
    const finish = (err, sock) => {
      if (done) return;
      done = true;
      callback(err, sock);
    };
    const sock = net.connect({ host: proxyHost, port: proxyPort });
    const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    sock.once("connect", () => {
      let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
      if (proxyAuth) head += `Proxy-Authorization: ${proxyAuth}\r\n`;
      sock.write(head + "\r\n");
    });
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end === -1) {
        if (buf.length > 16384) finish(new Error("llmwall preload: proxy reply too long"));
        return;
      }
      sock.removeListener("data", onData);
      const status = buf.subarray(0, buf.indexOf("\r\n")).toString("latin1");
      if (!/^HTTP\/1\.[01] 200/.test(status)) {
        sock.destroy();
        finish(new Error(`llmwall preload: proxy ${proxyHost}:${proxyPort} refused CONNECT ${target}: ${status}`));
        return;
      }
      const rest = buf.subarray(end + 4);
      if (rest.length) sock.unshift(rest);
      finish(null, sock);
    };
    sock.on("data", onData);
    sock.once("error", (err) => finish(err));
    sock.once("close", () => finish(new Error("llmwall preload: proxy closed the tunnel")));
  }

  function secure(sock, options, callback) {
    const servername = options.servername || (net.isIP(options.host) ? undefined : options.host);
    const t = tls.connect({ ...options, socket: sock, servername });
    t.once("secureConnect", () => callback(null, t));
    t.once("error", (err) => callback(err));
    return t;
  }

  // --- fetch: the Agent class of Node's bundled undici, with a tunnelling connect ----------
  // Installed on the first fetch call, not at start-up: loading the bundled undici costs
  // ~35 ms, which a program that never calls fetch should not pay.
  const DISPATCHER = Symbol.for("undici.globalDispatcher.1");
  function installDispatcher(nativeFetch) {
    // The bundled undici loads (and installs its global Agent) on the first fetch call; a
    // data: URL loads it without any network access.
    nativeFetch("data:,").catch(() => {});
    const current = globalThis[DISPATCHER];
    if (!current || typeof current.constructor !== "function") return;
    const Agent = current.constructor;
    const direct = new Agent();
    const tunnelled = new Agent({
      connect(opts, callback) {
        const port = Number(opts.port) || (opts.protocol === "https:" ? 443 : 80);
        tunnel(opts.hostname, port, (err, sock) => {
          if (err) return callback(err);
          if (opts.protocol !== "https:") return callback(null, sock);
          const options = { host: opts.hostname, servername: opts.servername, ALPNProtocols: ["http/1.1"] };
          secure(sock, options, callback);
        });
      },
    });
    // The global dispatcher: a real Agent of the same class that routes each origin to
    // the direct or the tunnelling Agent (NO_PROXY, loopback).
    class Router extends Agent {
      dispatch(opts, handler) {
        const origin = new URL(String(opts.origin));
        const port = origin.port || (origin.protocol === "https:" ? 443 : 80);
        return (bypass(origin.hostname, port) ? direct : tunnelled).dispatch(opts, handler);
      }
    }
    globalThis[DISPATCHER] = new Router();
  }
  if (typeof globalThis.fetch === "function") {
    const nativeFetch = globalThis.fetch;
    let installed = false;
    const fetch = function fetch(...args) {
      if (!installed) {
        installed = true;
        installDispatcher(nativeFetch);
      }
      return nativeFetch.apply(this, args);
    };
    Object.defineProperty(globalThis, "fetch", { value: fetch, writable: true, configurable: true, enumerable: true });
  }

  // --- http / https modules: the global agents tunnel too ------------------------------------
  class TunnelAgent extends https.Agent {
    constructor(secureAgent) {
      super({ keepAlive: true });
      this.secureAgent = secureAgent;
    }
    createConnection(options, callback) {
      const port = Number(options.port) || (this.secureAgent ? 443 : 80);
      const host = options.host || options.hostname || "localhost";
      if (bypass(host, port)) {
        return this.secureAgent ? super.createConnection(options, callback) : net.connect(options);
      }
      tunnel(host, port, (err, sock) => {
        if (err) return callback(err);
        if (!this.secureAgent) return callback(null, sock);
        secure(sock, { ...options, host }, callback);
      });
      return undefined;
    }
  }
  https.globalAgent = new TunnelAgent(true);
  const plain = new TunnelAgent(false);
  plain.defaultPort = 80;
  plain.protocol = "http:";
  http.globalAgent = plain;
})();
