package org.hassette.webconsole.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web Console tab "Apps" ({@code /system/console/hassette-apps}): every app instance with status,
 * reason, counters, and start/stop/reload buttons that call {@link AppRegistry}.
 *
 * <p>The console has no CSRF protection of its own and browsers resend Basic credentials to any
 * page that posts to it, so an action must carry this tab's token: a random value made at
 * activation, written into the forms of this page, unreadable by other origins. Actions are POST
 * only and answered with a redirect (303) back to the tab with the outcome.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + AppsPlugin.LABEL,
        "felix.webconsole.title=Apps",
        "felix.webconsole.category=" + ConsolePage.CATEGORY })
public class AppsPlugin extends HttpServlet {
    static final String LABEL = "hassette-apps";
    static final Set<String> ACTIONS = Set.of("start", "stop", "reload");
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AppsPlugin.class);

    private final String token = newToken();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AppRegistry registry;

    /** The reason, then the app-wide constraints its listeners and jobs wait for. */
    private static String reason(AppInfo a) {
        String reason = a.reason() == null ? "" : a.reason();
        if (a.constraints().isEmpty()) {
            return reason;
        }
        return (reason.isEmpty() ? "" : reason + "; ") + "runs only while: " + String.join(", ", a.constraints());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        String result = req.getParameter("result");
        if (result != null && !result.isBlank()) {
            out.print(ConsolePage.statline(result));
        }
        AppRegistry r = registry;
        if (r == null) {
            out.print(ConsolePage.unavailable("The app registry (bundle org.hassette.apps)", "apps"));
            return;
        }
        List<AppInfo> apps = r.apps();
        if (apps.isEmpty()) {
            out.print(ConsolePage.statline("No apps. Drop an app bundle into deploy/ and its configuration into etc/."));
            return;
        }
        long running = apps.stream().filter(a -> a.status().label().equals("running")).count();
        long failed = apps.stream().filter(a -> a.status().isFailure()).count();
        out.print(ConsolePage.statline(apps.size() + " apps: " + running + " running, " + failed + " failed"));
        String action = Html.esc(ConsolePage.pluginRoot(req));
        Html.Table table = new Html.Table("hassette-apps", "App", "Bundle", "Status", "Enabled", "Reason", "Starts", "Failures", "Restarts",
                "Listeners", "Jobs", "Since", "Actions");
        for (AppInfo a : apps) {
            StringBuilder buttons = new StringBuilder();
            for (String act : List.of("start", "stop", "reload")) {
                buttons.append("<form method='post' action='").append(action).append("' style='display:inline'>")
                        .append("<input type='hidden' name='token' value='").append(Html.esc(token)).append("'>")
                        .append("<input type='hidden' name='app' value='").append(Html.esc(a.appId())).append("'>")
                        .append("<button type='submit' name='action' value='").append(act).append("'>").append(act).append("</button></form> ");
            }
            table.row(a.appId(), a.bundle() + " " + a.bundleVersion(), a.status().label(),
                    a.quarantined() ? "quarantined" : a.enabled() ? "yes" : "no", reason(a), a.starts(),
                    a.failures(), a.restarts(), a.listeners(), a.jobs(), ConsolePage.time(a.since()), new Html.Raw(buttons.toString().trim()));
        }
        out.print(table);
        out.print("<p>Also in the shell: <code>hassette:apps</code>. Health per app: <code>/system/health/apps.json</code>.</p>\n");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String given = req.getParameter("token");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "missing or stale form token: reload the Apps tab and try again");
            return;
        }
        String action = req.getParameter("action");
        String app = req.getParameter("app");
        String outcome;
        if (action == null || !ACTIONS.contains(action) || app == null || app.isBlank()) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "expected action=start|stop|reload and app=<app id>");
            return;
        }
        outcome = perform(action, app);
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", req.getRequestURI() + "?result=" + URLEncoder.encode(outcome, StandardCharsets.UTF_8));
    }

    /** Runs one action and describes its outcome in one line. */
    String perform(String action, String app) {
        AppRegistry r = registry;
        if (r == null) {
            return action + " " + app + ": the app registry is not ready (see hassette:why apps)";
        }
        try {
            AppInfo after = switch (action) {
                case "start" -> r.start(app);
                case "stop" -> r.stop(app);
                default -> r.reload(app);
            };
            LOG.info("Web Console: {} {} → {}", action, app, after.status().label());
            return action + " " + app + ": now " + after.status().label() + (after.reason() == null || after.reason().isBlank() ? ""
                    : " (" + after.reason() + ")");
        } catch (UnsupportedOperationException e) {
            return action + " " + app + ": not supported by this build of the app handler";
        } catch (IllegalArgumentException | IllegalStateException e) {
            return action + " " + app + " failed: " + e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("Web Console: {} {} failed", action, app, e);
            return action + " " + app + " failed: " + e + " (details in the log)";
        }
    }

    private static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
