package org.hassette.api.ha;

/**
 * What a service call returned.
 *
 * @param contextId id of the call's context; the {@code state_changed} events it caused carry it
 * @param response  the service response (with {@code return_response}), else null
 */
public record ServiceResult(String contextId, Object response) {
}
