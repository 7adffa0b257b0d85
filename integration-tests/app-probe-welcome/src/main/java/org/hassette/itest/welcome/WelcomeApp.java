package org.hassette.itest.welcome;

import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.itest.greeter.Greeter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/** Needs the greeter app's service: DS starts it only after the greeter and stops it before. */
@Component(service = App.class, configurationPid = "it.welcome", configurationPolicy = ConfigurationPolicy.REQUIRE)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class WelcomeApp implements App {
    private final Greeter greeter;

    @Activate
    public WelcomeApp(@Reference Greeter greeter) {
        this.greeter = greeter;
    }

    @Override
    public void start(AppContext context) {
        context.store().put("greeting", greeter.greet(context.appId()));
    }
}
