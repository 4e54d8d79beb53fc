/**
 * Validators that decide whether a loose candidate match is really a phone number or an IBAN.
 * Pure, no I/O. Part of detectors.ts, split out to keep files small.
 */

/**
 * The candidate pattern is loose on purpose; this decides. International numbers (`+CC`, or
 * `00CC`) need 8–15 digits (E.164). National ones need a trunk `0` followed by a non-zero
 * digit and 10–12 digits, or the North American 3-3-4 shape. Dates, versions, IPs and plain
 * digit runs fail these shapes.
 */
export function isPhoneNumber(candidate: string): boolean {
  const s = candidate.trim();
  const digits = s.replace(/\D/g, "");
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return false; // IPv4
  if (/^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}\b/.test(s) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b/.test(s)) return false; // dates
  const groups = s.split(/[ ().-]+/).filter(Boolean);
  if (groups.length > 6 || groups.some((g) => g.length > 12)) return false;
  if (/[.-]{2}|\s{2}/.test(s)) return false;
  if (s.startsWith("+")) return /^\+[1-9]/.test(s) && digits.length >= 8 && digits.length <= 15 && groups.length >= 2;
  if (/^00[1-9]/.test(s)) return digits.length >= 10 && digits.length <= 17 && groups.length >= 2;
  if (/^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$/.test(s)) return /^\(?[2-9]/.test(s); // North American
  if (/^\(?0[1-9]/.test(s)) return digits.length >= 10 && digits.length <= 12 && (groups.length >= 2 || digits.length === 11);
  return false;
}

// Registered IBAN lengths (SWIFT registry): a well-formed country and length plus the check
// digits leaves about one false positive in 97 × (chance of that exact length).
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 " +
    "FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 " +
    "LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 " +
    "SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
  )
    .split(" ")
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

/** ISO 13616: move the first four characters to the end, letters to 10–35, value mod 97 must be 1. */
export function isValidIban(input: string): boolean {
  const iban = input.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  let remainder = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}
