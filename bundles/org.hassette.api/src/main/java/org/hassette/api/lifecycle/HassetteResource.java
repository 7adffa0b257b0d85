package org.hassette.api.lifecycle;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type naming the resource a component implements and the service it registers
 * while ready: {@code @HassetteResource(resource = "database", provides = Database.class)} gives the
 * component the properties {@code hassette.resource=database} and {@code hassette.provides=<class>}.
 * The readiness report uses them to follow an unsatisfied reference to the resource behind it.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HassetteResource {
    String PREFIX_ = "hassette.";

    /** The resource name. */
    String resource();

    /** The service interface registered while ready. */
    Class<?> provides();
}
