import { describe, expect, it } from "vitest";
import { Fernet, generateFernetKey, InvalidTokenError, MultiFernet } from "../core/crypto/fernet.ts";

// The official test vectors, https://github.com/fernet/spec (generate.json, verify.json, invalid.json).
const SECRET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const TOKEN = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
const IV = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const NOW = new Date("1985-10-26T01:20:01-07:00");
const INVALID: Array<{ desc: string; token: string; now: string }> = [
  { desc: "incorrect mac", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "too short", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "invalid base64", token: "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "payload size not multiple of block size", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm", now: "1985-10-26T01:20:01-07:00" },
  { desc: "payload padding error", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "far-future TS (unacceptable clock skew)", token: "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "expired TTL", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", now: "1985-10-26T01:21:31-07:00" },
  { desc: "incorrect IV (causes padding error)", token: "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "trailing characters after b64 padding", token: `${TOKEN}trailingdata`, now: "1985-10-26T01:20:01-07:00" },
  { desc: "invalid characters in b64", token: "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", now: "1985-10-26T01:20:01-07:00" },
  { desc: "invalid non-urlsafe characters in b64", token: "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", now: "1985-10-26T01:20:01-07:00" },
];

describe("Fernet against the specification's test vectors", () => {
  it("generates the spec's token from its key, time and IV (generate.json)", () => {
    expect(new Fernet(SECRET).encrypt("hello", new Date("1985-10-26T01:20:00-07:00"), IV)).toBe(TOKEN);
  });

  it("verifies the spec's token with a 60 s TTL (verify.json)", () => {
    expect(new Fernet(SECRET).decrypt(TOKEN, 60, NOW)).toBe("hello");
  });

  it.each(INVALID)("refuses an invalid token: $desc (invalid.json)", ({ token, now }) => {
    expect(() => new Fernet(SECRET).decrypt(token, 60, new Date(now))).toThrow(InvalidTokenError);
  });

  it("round-trips any text with a fresh key, and no two tokens of the same text are equal", () => {
    const fernet = new Fernet(generateFernetKey());
    const text = "pässwörd with ünicode & symbols {\"a\": 1}";
    const a = fernet.encrypt(text);
    expect(fernet.decrypt(a)).toBe(text);
    expect(fernet.encrypt(text)).not.toBe(a);
  });

  it("refuses a malformed key with a message saying what a key is", () => {
    expect(() => new Fernet("too-short")).toThrow(/32 url-safe base64-encoded bytes/);
  });
});

describe("MultiFernet (comma-separated keys, for rotation)", () => {
  it("encrypts with the first key, decrypts with any, and rotate() moves a token to the first key", () => {
    const oldKey = generateFernetKey();
    const newKey = generateFernetKey();
    const old = new MultiFernet([oldKey]).encrypt("s3cret");
    const both = new MultiFernet([newKey, oldKey]);
    expect(both.decrypt(old)).toBe("s3cret");
    const rotated = both.rotate(old);
    expect(new MultiFernet([newKey]).decrypt(rotated)).toBe("s3cret");
    expect(() => new MultiFernet([newKey]).decrypt(old)).toThrow(/No configured Fernet key/);
  });
});
