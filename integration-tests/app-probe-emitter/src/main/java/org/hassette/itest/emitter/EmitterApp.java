package org.hassette.itest.emitter;

import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/** Emits {@code it/emitter/said} with the new value of {@code input_text.it_em_say}: another app, in another bundle, listens. */
@Component(service = App.class, configurationPid = "it.emitter", configurationPolicy = ConfigurationPolicy.REQUIRE)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class EmitterApp implements App {
    @Override
    public void start(AppContext context) {
        context.bus().onStateChange("input_text.it_em_say")
                .subscribe(context.appId() + ":say", (StateChange c) -> context.bus().emit("it/emitter/said", c.newValue()));
    }
}
