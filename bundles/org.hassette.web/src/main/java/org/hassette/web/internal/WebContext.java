package org.hassette.web.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet context {@code /hassette} that the API, the event stream and the dashboard live in.
 * Its {@link #handleSecurity} lets {@code /hassette/api/v1/health} through and asks everything else
 * for the operator's console credentials (HTTP Basic) or the API token ({@code Bearer}).
 */
@Component(service = ServletContextHelper.class, configurationPid = WebContext.PID)
@HttpWhiteboardContext(name = WebContext.NAME, path = "/hassette")
@Designate(ocd = WebContext.Config.class)
public class WebContext extends ServletContextHelper {
    static final String PID = "org.hassette.web";
    static final String NAME = "hassette";
    static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String HEALTH = "/api/v1/health";
    private static final Logger LOG = LoggerFactory.getLogger(WebContext.class);

    @ObjectClassDefinition(name = "Hassette HTTP API", description = "Authentication of /hassette (API, event stream, dashboard)")
    public @interface Config {
        @AttributeDefinition(description = "File holding the API token accepted as 'Authorization: Bearer <token>' (or as the "
                + "Basic password), relative to the home folder; empty: only the console credentials work. The token lives only "
                + "in that file (never in Config Admin, so no configuration printer can show it) and is never logged.")
        String api_token_file() default "";
    }

    private final BundleContext context;
    private volatile Authenticator authenticator;

    @Activate
    public WebContext(BundleContext context, Config config) {
        super(context.getBundle());
        this.context = context;
        configure(config);
    }

    @Modified
    void configure(Config config) {
        Authenticator a = new Authenticator(context.getProperty("felix.webconsole.username"),
                context.getProperty("felix.webconsole.password"), readToken(config.api_token_file()));
        if (!a.configured()) {
            LOG.warn("No console credentials and no API token are configured: /hassette answers 401 to everything but health");
        }
        authenticator = a;
    }

    /** The token from its file, or null (with a warning naming the file, never its content). */
    private String readToken(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        java.nio.file.Path path = java.nio.file.Path.of(file.trim());
        String home = context.getProperty("hassette.home");
        if (!path.isAbsolute() && home != null) {
            path = java.nio.file.Path.of(home).resolve(path);
        }
        try {
            String token = java.nio.file.Files.readString(path).trim();
            if (token.isEmpty()) {
                LOG.warn("API token file {} is empty: only the console credentials work", path);
                return null;
            }
            return token;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the API token file {} ({}): only the console credentials work", path, e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Exactly the raw URI of health, no dot segments, encodings or parameters: nothing else slips through.
        if (("/hassette" + HEALTH).equals(request.getRequestURI())) {
            return true;
        }
        String principal = authenticator.authenticate(request.getHeader("Authorization"));
        if (principal != null && crossSiteChange(request)) {
            // A browser sends Basic credentials with any request to this origin, also one a foreign
            // page makes it send: refuse changes whose Origin or fetch metadata says another site.
            Json.error(response, HttpServletResponse.SC_FORBIDDEN, "cross-origin request refused: " + request.getMethod()
                    + " from origin '" + request.getHeader("Origin") + "' to " + request.getHeader("Host"));
            return false;
        }
        if (principal != null) {
            request.setAttribute(REMOTE_USER, principal);
            request.setAttribute(AUTHENTICATION_TYPE, "token".equals(principal) ? "Bearer" : HttpServletRequest.BASIC_AUTH);
            return true;
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"Hassette\", charset=\"UTF-8\"");
        Json.error(response, HttpServletResponse.SC_UNAUTHORIZED, request.getHeader("Authorization") == null
                ? "authentication required: HTTP Basic with the console credentials, or 'Authorization: Bearer <api token>'"
                : "invalid credentials");
        return false;
    }

    /** A state-changing request that a browser says comes from another site. */
    static boolean crossSiteChange(HttpServletRequest request) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return false;
        }
        if ("cross-site".equals(request.getHeader("Sec-Fetch-Site"))) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false; // not a browser's cross-origin request (curl, scripts)
        }
        String host = request.getHeader("Host");
        return host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host));
    }
}
