package org.hassette.api.ha;

import org.osgi.annotation.versioning.ProviderType;

/** A registration that ends when closed. Closing twice is harmless. */
@ProviderType
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
