/**
 * JSONP long-polling (the `j` query parameter; `socket.io-client` 2.x with `forceJSONP`, or a
 * browser without XHR): a GET is answered with a script calling `___eio[j]("<payload>")`, a POST
 * carries the payload as the `d` field of an HTML form.
 */

/** A callback index: digits only, so that nothing but a number reaches the script's text. */
const JSONP_INDEX = /^\d{1,10}$/;

/** Whether `j` is a valid JSONP callback index. */
export function isJsonpIndex(j: string): boolean {
  return JSONP_INDEX.test(j);
}

/**
 * The script answering a JSONP GET. The payload is a JSON string literal, with `<` written
 * `\u003c` (no `</script>` or `<!--` can end or bend the script element) and U+2028/U+2029
 * escaped (line terminators in older JavaScript, even inside a string).
 *
 * @example
 * encodeJsonpScript("0", '1:6') // '___eio[0]("1:6");'
 */
export function encodeJsonpScript(index: string, payload: string): string {
  const literal = JSON.stringify(payload).replace(/[<\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  return `___eio[${index}](${literal});`;
}

/**
 * The payload of a JSONP POST (`application/x-www-form-urlencoded`, field `d`), or null without
 * one. The client writes each newline as `\n` and each `\n` of the text as `\\n` (a form would
 * turn a bare newline into CRLF); this undoes it.
 */
export function decodeJsonpBody(body: string): string | null {
  const data = new URLSearchParams(body).get("d");
  if (data === null) return null;
  return data.replace(/\\\\n|\\n/g, (match) => (match.length === 3 ? "\\n" : "\n"));
}
