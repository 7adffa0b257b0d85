package org.hassette.itest.greeter.internal;

import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.itest.greeter.Greeter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/** An app that is also a typed service for other apps; active only while configured and the core is ready. */
@Component(service = { App.class, Greeter.class }, configurationPid = "it.greeter", configurationPolicy = ConfigurationPolicy.REQUIRE)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class GreeterApp implements App, Greeter {
    private volatile String appId = "not started";

    @Override
    public void start(AppContext context) {
        appId = context.appId();
    }

    @Override
    public String greet(String who) {
        return "hello " + who + " from " + appId;
    }
}
