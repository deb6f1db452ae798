// The CSRF token, carried once by the page: <body hx-headers='{"x-csrftoken": …}'>, which
// htmx sends with each of its own requests. Scripts that fetch by themselves read it here.
// The cookie is HttpOnly (CSRF_COOKIE_HTTPONLY), so the page is the only place to read it.
export function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
}
