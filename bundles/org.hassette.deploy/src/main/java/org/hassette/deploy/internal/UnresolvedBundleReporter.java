package org.hassette.deploy.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line which import a bundle dropped into deploy/ lacks. FileInstall only logs the
 * framework's resolver exception (a stack trace) when it cannot start such a bundle; this names
 * the file, the bundle and each package or bundle nobody provides, so the operator knows what to
 * deploy or fix.
 *
 * <p>It checks the bundles from deploy/ that are still unresolved once installs have been quiet
 * for {@value #QUIET_MS} ms (FileInstall installs a whole scan, then starts it: a bundle whose
 * provider comes in the same scan must not be reported), at activation too (FileInstall may have
 * installed them before this bundle started), and reports each bundle revision once.
 */
@Component(immediate = true)
public class UnresolvedBundleReporter implements BundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(UnresolvedBundleReporter.class);
    private final BundleContext context;
    private final Path deploy;
    static final long QUIET_MS = 1000;
    private final java.util.concurrent.ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hassette-deploy-check");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private java.util.concurrent.ScheduledFuture<?> pending;

    @Activate
    public UnresolvedBundleReporter(BundleContext context) {
        this.context = context;
        String home = context.getProperty("hassette.home");
        this.deploy = home == null ? null : Path.of(home, "deploy").toAbsolutePath().normalize();
        context.addBundleListener(this);
        schedule();
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        worker.shutdownNow();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if ((event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED) && fromDeploy(event.getBundle())) {
            schedule();
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = worker.schedule(this::checkAll, QUIET_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        for (Bundle b : context.getBundles()) {
            if (fromDeploy(b)) {
                check(b);
            }
        }
    }

    private boolean fromDeploy(Bundle b) {
        if (deploy == null) {
            return false;
        }
        return BundleFiles.file(b.getLocation()).filter(p -> p.startsWith(deploy)).isPresent();
    }

    private void check(Bundle b) {
        if (b.getState() == Bundle.UNINSTALLED || (b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0) {
            return;
        }
        List<String> missing = missing(context, b);
        if (!missing.isEmpty() && reported.add(b.getBundleId() + "@" + b.getLastModified())) {
            LOG.error("Cannot start {} ({} {}): {}. Deploy a bundle that provides it, or fix the jar; other apps are not affected.",
                    b.getLocation(), b.getSymbolicName(), b.getVersion(), String.join("; ", missing));
        }
    }

    /** The mandatory package imports and required bundles of {@code b} that no installed bundle provides. */
    static List<String> missing(BundleContext context, Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        List<String> out = new ArrayList<>();
        if (revision == null || wiring == null) {
            return out;
        }
        for (BundleRequirement r : revision.getDeclaredRequirements(null)) {
            String ns = r.getNamespace();
            if (!PackageNamespace.PACKAGE_NAMESPACE.equals(ns) && !BundleNamespace.BUNDLE_NAMESPACE.equals(ns)) {
                continue;
            }
            if (Constants.RESOLUTION_OPTIONAL.equals(r.getDirectives().get(Constants.RESOLUTION_DIRECTIVE))) {
                continue;
            }
            Collection<BundleCapability> providers = wiring.findProviders(r);
            if (providers.isEmpty()) {
                String filter = r.getDirectives().getOrDefault(Constants.FILTER_DIRECTIVE, "");
                out.add((PackageNamespace.PACKAGE_NAMESPACE.equals(ns) ? "it imports package " : "it requires bundle ")
                        + describe(filter) + ", which no installed bundle " + (PackageNamespace.PACKAGE_NAMESPACE.equals(ns) ? "exports" : "is"));
            }
        }
        return out;
    }

    /** {@code (&(osgi.wiring.package=a.b)(version>=1.0.0)(!(version>=2.0.0)))} → {@code a.b [1.0.0, 2.0.0)}. */
    static String describe(String filter) {
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("\\((?:osgi\\.wiring\\.package|osgi\\.wiring\\.bundle)=([^)]+)\\)").matcher(filter);
        if (!name.find()) {
            return filter;
        }
        String n = name.group(1);
        java.util.regex.Matcher low = java.util.regex.Pattern.compile("\\((?:version|bundle-version)>=([^)]+)\\)").matcher(filter);
        java.util.regex.Matcher high = java.util.regex.Pattern.compile("\\(!\\((?:version|bundle-version)>=([^)]+)\\)\\)").matcher(filter);
        String range = "";
        if (low.find()) {
            range = " [" + low.group(1) + ", " + (high.find() ? high.group(1) + ")" : "∞)");
        }
        return n + range;
    }
}
