package org.hassette.api.app;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The apps the platform knows about, and what an operator can do with them. Registered by the app
 * handler.
 *
 * <p>Every action waits until it is done (bounded by the app timeout) and returns the app's state
 * afterwards. An unknown id is an {@link IllegalArgumentException} naming the known ids.
 */
@ProviderType
public interface AppRegistry {

    /** Every app instance, sorted by id. */
    List<AppInfo> apps();

    /** One app instance by id. */
    Optional<AppInfo> app(String appId);

    /** Starts a stopped or failed app (the restart budget starts over). A running app is left alone. */
    AppInfo start(String appId);

    /** Stops a running app until {@link #start} or a redeploy; it stays listed as STOPPED. */
    AppInfo stop(String appId);

    /** Stops and starts the app again. */
    AppInfo reload(String appId);

    /** Clears the disabled or quarantined mark and starts the app. */
    AppInfo enable(String appId);

    /** Stops the app and keeps it stopped, also after a platform restart, until {@link #enable}. */
    AppInfo disable(String appId);
}
