export interface ParsedUrl {
  /** The URL as given, completed from `location` when relative. */
  source: string;
  protocol: string;
  /** Host name; an IPv6 address without its brackets (`::1`), as socket.io-client gives it. */
  host: string;
  port: string;
  /** The namespace (the URL's path). */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Manager cache key: one Manager per scheme, host, port and engine path. */
  id: string;
  href: string;
}

/**
 * Reads the namespace, the query and the cache key from an `io()` URL. Relative and scheme-less
 * URLs are completed from `location` in browsers.
 *
 * @example
 * parseUrl("http://localhost:3000/admin?token=1").path // "/admin"
 */
export function parseUrl(uri: string | undefined, enginePath = "/socket.io"): ParsedUrl {
  const loc = (globalThis as { location?: { protocol: string; host: string } }).location;
  let source = uri ?? (loc ? `${loc.protocol}//${loc.host}` : "http://localhost");
  if (source.startsWith("//")) source = (loc?.protocol ?? "https:") + source;
  else if (source.startsWith("/")) source = loc ? `${loc.protocol}//${loc.host}${source}` : `http://localhost${source}`;
  else if (!/^(https?|wss?):\/\//i.test(source)) {
    source = (loc ? `${loc.protocol}//` : "https://") + source;
  }
  const url = new URL(source);
  const protocol = url.protocol.slice(0, -1);
  const secure = protocol === "https" || protocol === "wss";
  const port = url.port || (secure ? "443" : "80");
  // WHATWG URL keeps IPv6 brackets in `hostname`; the id and href put them back.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const ipv6 = host.includes(":") ? `[${host}]` : host;
  return {
    source,
    protocol,
    host,
    port,
    path: url.pathname || "/",
    query: url.search.slice(1),
    id: `${protocol}://${ipv6}:${port}${enginePath}`,
    href: `${protocol}://${ipv6}${url.port ? ":" + url.port : ""}`,
  };
}
