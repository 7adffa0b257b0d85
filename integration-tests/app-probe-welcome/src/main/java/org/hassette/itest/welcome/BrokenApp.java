package org.hassette.itest.welcome;

import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/** An app whose component cannot be created (its constructor throws), once configured. */
@Component(service = App.class, configurationPid = "it.broken", configurationPolicy = ConfigurationPolicy.REQUIRE)
public class BrokenApp implements App {
    public BrokenApp() {
        throw new IllegalStateException("simulated: config file has no 'sensor'");
    }

    @Override
    public void start(AppContext context) {
        throw new AssertionError("never reached");
    }
}
