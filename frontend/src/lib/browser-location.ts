/** Sends the browser to another page of the server (not an SPA route). A module of its own so tests can replace it. */
export function redirectTo(url: string): void {
  window.location.assign(url);
}
