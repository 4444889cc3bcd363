import vm from "node:vm";
import { decodeJsonpBody, encodeJsonpScript, isJsonpIndex } from "./jsonp.js";

/** Runs a JSONP script the way a page does, and returns what the callback received. */
function runScript(script: string): unknown[] {
  const calls: unknown[] = [];
  const ___eio = [(payload: unknown) => calls.push(payload)];
  vm.runInNewContext(script, { ___eio });
  return calls;
}

describe("JSONP codec", () => {
  it("accepts digit indexes only", () => {
    expect(isJsonpIndex("0")).toBe(true);
    expect(isJsonpIndex("12")).toBe(true);
    for (const bad of ["", "a", "0]);alert(1);//", "1.5", "-1", "12345678901", "0\n"]) expect(isJsonpIndex(bad)).toBe(false);
  });

  it("wraps a payload in a call of ___eio[j]", () => {
    expect(encodeJsonpScript("3", "1:6")).toBe('___eio[3]("1:6");');
  });

  it("escapes what could end the script element or the string", () => {
    const payload = '42["msg","</script><script>alert(1)</script><!--\u2028\u2029\\"\n"]';
    const script = encodeJsonpScript("0", payload);
    expect(script).not.toMatch(/<\/script/i);
    expect(script).not.toContain("<!--");
    expect(script).not.toMatch(/[\u2028\u2029\n]/);
    expect(runScript(script)).toEqual([payload]);
  });

  it("reads the d field of the form, undoing the client's newline escapes", () => {
    // The client sends a newline as \n and a "\n" of the text as \\n.
    const form = new URLSearchParams({ d: '13:42["a\\n","\\\\n b"]' }).toString();
    expect(decodeJsonpBody(form)).toBe('13:42["a\n","\\n b"]');
    expect(decodeJsonpBody("d=1%3A6")).toBe("1:6");
    expect(decodeJsonpBody("d=4+space")).toBe("4 space");
    expect(decodeJsonpBody("x=1")).toBeNull();
  });
});
