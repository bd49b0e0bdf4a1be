// Preload for Portkey's gateway (node --import): Node's fetch returns immutable Headers, which the
// gateway then modifies on its streaming path ("TypeError: immutable", Portkey issues #1389 and
// #1550). Re-wrapping each Response with a mutable copy of its headers makes streaming work.
/* global Response, Headers */
const original = globalThis.fetch;
globalThis.fetch = async function fetchWithMutableHeaders(input, init) {
  const res = await original(input, init);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
