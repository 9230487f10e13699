// Shows the API document; kept out of the page so a strict Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  var element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    // Swagger UI leaves its server list without a name a screen reader can announce, and its title and server
    // choice outside any landmark (its operations are the page's main landmark).
    onComplete: function () {
      var servers = document.getElementById("servers");
      if (servers) {
        servers.setAttribute("aria-label", "Server");
      }
      var information = document.querySelector(".swagger-ui .information-container");
      if (information) {
        information.setAttribute("role", "banner");
      }
      var schemes = document.querySelector(".swagger-ui .schemes-server-container");
      if (schemes) {
        schemes.setAttribute("role", "region");
        schemes.setAttribute("aria-label", "Servers and authorisation");
      }
    },
  });
});
