package org.hassette.web.internal;

import java.util.List;
import org.hassette.api.app.AppInfo;

/**
 * Which app a listener or job belongs to. Neither the bus nor the scheduler records an owner, so
 * this follows the naming the app API uses: a name {@code <appId>:...} (or the app id itself), or a
 * job group equal to the app id. The longest matching id wins; no match means a platform listener.
 */
final class AppAttribution {
    private AppAttribution() {
    }

    static String of(List<AppInfo> apps, String name, String group) {
        String best = null;
        for (AppInfo a : apps) {
            String id = a.appId();
            boolean match = id.equals(group) || id.equals(name) || (name != null && name.startsWith(id + ":"));
            if (match && (best == null || id.length() > best.length())) {
                best = id;
            }
        }
        return best;
    }
}
