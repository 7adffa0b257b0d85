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
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "API token accepted as 'Authorization: Bearer <token>' "
                + "(or as the Basic password); empty: only the console credentials work. Never logged.")
        String api_token() default "";
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
        String token = config.api_token();
        if (token == null || token.isBlank()) {
            token = context.getProperty("hassette.api.token");
        }
        Authenticator a = new Authenticator(context.getProperty("felix.webconsole.username"),
                context.getProperty("felix.webconsole.password"), token);
        if (!a.configured()) {
            LOG.warn("No console credentials and no API token are configured: /hassette answers 401 to everything but health");
        }
        authenticator = a;
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
