package org.hassette.api.app;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The apps the platform knows about, registered by the app handler. */
@ProviderType
public interface AppRegistry {

    /** Every app instance, sorted by id. */
    List<AppInfo> apps();

    /** One app instance by id. */
    Optional<AppInfo> app(String appId);
}
