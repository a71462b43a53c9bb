package dev.actiongate.agent.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a request's {@code Host} header may give: loopback names and addresses, and the
 * address the API is bound to. A page a browser loaded from another site can reach the API when
 * that site's name is made to resolve to a loopback address (DNS rebinding), but its requests
 * still carry that site's name in {@code Host}; refusing them closes the route. No name is ever
 * resolved here: only literals are compared, so the check cannot be steered through DNS.
 */
final class AllowedHosts {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[0-9a-z]+)?");

    /** The bind address as written in the configuration, lower case, without brackets. */
    private final String bind;

    AllowedHosts(String bind) {
        this.bind = bind == null ? "" : unbracket(bind.toLowerCase(Locale.ROOT));
    }

    /** Why {@code host} (a {@code Host} header, or {@code null}) is refused, or {@code null} when it is accepted. */
    String refusal(String host) {
        if (host == null || host.isBlank()) {
            return "a Host header is required";
        }
        String name = withoutPort(host.strip().toLowerCase(Locale.ROOT));
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost") || name.equals(bind) || sameAddress(name, bind) || loopback(name)) {
            return null;
        }
        return "the Host header '" + host.strip() + "' names neither a loopback address nor admin_bind ("
                + (bind.isEmpty() ? "none" : bind) + "); the admin API answers only to those"
                + " (a page of another site must not reach it through DNS rebinding)";
    }

    private static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        // One colon: name and port. More than one: an IPv6 literal without brackets, kept whole.
        return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
    }

    private static String unbracket(String address) {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }

    private static boolean loopback(String name) {
        InetAddress address = literal(name);
        return address != null && address.isLoopbackAddress();
    }

    private static boolean sameAddress(String name, String bind) {
        InetAddress address = literal(name);
        return address != null && address.equals(literal(bind));
    }

    /** {@code name} as an address when it is an IP literal; {@code null} otherwise, never a DNS look-up. */
    private static InetAddress literal(String name) {
        boolean v4 = IPV4.matcher(name).matches();
        if (!v4 && !(name.indexOf(':') >= 0 && IPV6.matcher(name).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(name);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
