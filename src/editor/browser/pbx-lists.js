/* The PBX's live lists for the editor pickers, shared by the action nodes and the monitor
   (inlined into each editor file by renderHtml; defined once however many include it). */
(function () {
  if (window.ThreeCxPbxLists) return;

  /** GET for the deployed config; POST with what is typed (key "__PWRD__" = the stored one) otherwise. */
  function listRequest(kind, serverId, cfg, typed) {
    var url = "3cx-config/lists/" + encodeURIComponent(kind);
    if (!typed) return $.ajax({ url: url, data: { server: serverId }, dataType: "json" });
    return $.ajax({
      url: url, type: "POST", contentType: "application/json", dataType: "json",
      data: JSON.stringify({
        server: serverId, fqdn: cfg.fqdn, timeout: Number(cfg.timeout) || 10000, tls: cfg.tls || "",
        accessKey: (cfg.credentials && cfg.credentials.accessKey) || "__PWRD__"
      })
    });
  }

  /**
   * Loads list `kind` for the config node chosen in #node-input-server and calls done(error, items).
   * `message(key, opts)` translates the node's "editor.noServer" and "editor.listFailed" texts.
   */
  function load(kind, message, done) {
    var serverId = $("#node-input-server").val();
    var cfg = serverId && serverId !== "_ADD_" ? RED.nodes.node(serverId) : null;
    if (!cfg) return done(message("editor.noServer"));
    function failed(reason) { done(message("editor.listFailed", { reason: reason })); }
    function ask(typed) {
      listRequest(kind, serverId, cfg, typed).done(function (res) {
        if (res && res.ok === false) return failed((res.code ? res.code + ": " : "") + (res.message || ""));
        done(null, (res && res.items) || []);
      }).fail(function (xhr) {
        if (!typed && xhr.status === 404) return ask(true); // not deployed (yet): use the typed settings
        var body = xhr.responseJSON || {};
        failed(body.message || body.code || ("HTTP " + xhr.status));
      });
    }
    ask(!!cfg.changed);
  }

  window.ThreeCxPbxLists = { load: load };
})();
