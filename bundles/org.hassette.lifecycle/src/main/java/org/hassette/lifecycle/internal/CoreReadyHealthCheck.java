package org.hassette.lifecycle.internal;

import java.util.Map;
import java.time.Duration;
import java.util.Set;
import org.apache.felix.hc.annotation.HealthCheckService;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * "Hassette core ready" (tag {@code systemready}): OK with one line per ready core resource;
 * otherwise one message per required resource that is not ready, giving its why-chain joined with
 * {@code " → "}, TEMPORARILY_UNAVAILABLE within the startup timeout after activation and CRITICAL
 * after it. Core resources that are not required are listed for information and never fail it.
 */
@Component(immediate = true, configurationPid = ReadinessConfig.PID)
@HealthCheckService(name = CoreReadyHealthCheck.NAME, tags = { "systemready" })
public class CoreReadyHealthCheck implements HealthCheck {
    static final String NAME = "Hassette core ready";

    private final BundleContext context;
    private final ReadinessReport report;
    private final long activatedNanos = System.nanoTime();
    private volatile Set<String> required;
    private volatile Duration startupTimeout;

    @Activate
    public CoreReadyHealthCheck(BundleContext context, @Reference ReadinessReport report, ReadinessConfig config, Map<String, Object> properties) {
        this.context = context;
        this.report = report;
        modified(config, properties);
    }

    @Modified
    void modified(ReadinessConfig config, Map<String, Object> properties) {
        required = Set.of(config.required());
        startupTimeout = StartupTimeout.of(context, config, properties, ignored -> { } /* CoreReadiness logs it */);
    }

    @Override
    public Result execute() {
        boolean starting = System.nanoTime() - activatedNanos < startupTimeout.toNanos();
        Result.Status notReady = starting ? Result.Status.TEMPORARILY_UNAVAILABLE : Result.Status.CRITICAL;
        ResultLog log = new ResultLog();
        boolean requiredReady = true;
        for (ResourceReport r : report.resources()) {
            if (r.role() != ResourceRole.CORE) {
                continue;
            }
            boolean isRequired = required.contains(r.resource());
            requiredReady &= r.ready() || !isRequired;
            String note = isRequired ? "" : " (not required)";
            if (r.ready()) {
                log.add(new ResultLog.Entry(Result.Status.OK, r.resource() + ": ready" + note
                        + (r.reason().isBlank() ? "" : ", " + r.reason())));
            } else {
                log.add(new ResultLog.Entry(isRequired ? notReady : Result.Status.OK, String.join(" → ", r.chain()) + note));
            }
        }
        if (required.isEmpty()) {
            log.add(new ResultLog.Entry(Result.Status.OK, "no core resource is required (property 'required' of "
                    + ReadinessConfig.PID + ")"));
        }
        if (requiredReady && !report.coreReady()) {
            // the rule holds but the condition apps wait for is missing: say so rather than report OK
            log.add(new ResultLog.Entry(notReady, "every required resource is ready but the condition "
                    + ReadinessReport.CORE_READY_CONDITION + " is not registered (is component CoreReadiness active? see scr:list)"));
        }
        return new Result(log);
    }
}
