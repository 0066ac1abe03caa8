// Tell the NHS.UK frontend's styles that JavaScript runs (and whether its modules are supported).
// Loaded as a plain script at the top of <body>, before anything is drawn; a file, not inline script,
// so the Content-Security-Policy can forbid inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
