// The JSON API the page uses (src/serve/server.ts). Writes carry the CSRF token that
// /api/session gave this page, and the version of the bead the page saw.
let csrf = "";

export async function session() {
  csrf = (await get("/api/session")).csrf;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function get(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

export async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer.error ?? `HTTP ${response.status}`);
  return answer;
}

export const beadUrl = (id) => `/api/bead/${encodeURIComponent(id)}`;
