package io.pilot.spring.autoconfigure.tools;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Which of the mesh's capabilities are offered as tools to language models ({@code pilot.tools.*}). */
@ConfigurationProperties("pilot.tools")
public class PilotToolsProperties {

    /** Whether the mesh's capabilities are offered as tools at all (a catalog, and Spring AI's tool callbacks). */
    private boolean enabled = true;

    /** Offer only the capabilities of the members of these groups; empty for every agent of the realm. */
    private List<String> groups = new ArrayList<>();

    /** Capability name patterns to offer ('*' any characters, '?' one), e.g. papers.*; default every capability. */
    private List<String> include = new ArrayList<>(List.of("*"));

    /** Capability name patterns never to offer, even when included. */
    private List<String> exclude = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    public List<String> getInclude() {
        return include;
    }

    public void setInclude(List<String> include) {
        this.include = include;
    }

    public List<String> getExclude() {
        return exclude;
    }

    public void setExclude(List<String> exclude) {
        this.exclude = exclude;
    }
}
