package io.pilot.spring.client;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where each client interface's calls go, by the interface's bean name ({@link ClientInterfaces#beanName}); names
 * are matched ignoring case and dashes, as property keys may be spelled ({@code fxRates}, {@code fx-rates},
 * {@code FXRATES} from the environment). An interface not named goes to any provider.
 */
public final class ClientInterfaceTargets {

    /** Every interface to any provider. */
    public static final ClientInterfaceTargets NONE = new ClientInterfaceTargets(Map.of());

    private final Map<String, ClientTarget> byName = new HashMap<>();

    public ClientInterfaceTargets(Map<String, ClientTarget> targets) {
        targets.forEach((name, target) -> byName.put(normalized(name), target));
    }

    /** The target of the interface whose bean is {@code beanName}. */
    public ClientTarget of(String beanName) {
        return byName.getOrDefault(normalized(beanName), ClientTarget.ANYCAST);
    }

    /** {@code name} as it is compared: lower case, without dashes. */
    public static String normalized(String name) {
        return name.replace("-", "").toLowerCase(Locale.ROOT);
    }
}
