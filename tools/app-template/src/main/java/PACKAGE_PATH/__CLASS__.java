package __PACKAGE__;

import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.StateChange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * __CLASS__: when {@code trigger} turns on, turns {@code target} on. One instance per factory
 * configuration {@code __PID__-<name>.config} (in deploy/ or etc/); starts only while the
 * platform's core is ready.
 */
@Component(service = App.class, configurationPid = __CLASS__.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = __CLASS__.Config.class, factory = true)
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class __CLASS__ implements App {
    static final String PID = "__PID__";

    @ObjectClassDefinition(name = "__CLASS__")
    public @interface Config {
        @AttributeDefinition(description = "Entity whose 'on' triggers the app, e.g. binary_sensor.hall_motion")
        String trigger();

        @AttributeDefinition(description = "Entity to turn on, e.g. light.hall")
        String target();
    }

    private final Config config;

    @Activate
    public __CLASS__(Config config) {
        this.config = config;
    }

    @Override
    public void start(AppContext app) {
        app.bus().onStateChange(config.trigger()).to("on").subscribe("on", (StateChange change) -> {
            app.ha().turnOn(config.target());
            app.log().info("{} is on: turned {} on", config.trigger(), config.target());
        });
        app.log().info("watching {}", config.trigger());
    }
}
