package io.pilot.spring.autoconfigure.a2a;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The agent card a web application with the starter serves at {@code /.well-known/agent-card.json}. */
@ConfigurationProperties("pilot.a2a")
public class A2aProperties {

    /** Whether to serve the agent card. */
    private boolean enabled = true;

    /** The card's name; by default spring.application.name, else the agent's hostname. */
    private String name;

    /** The card's description; by default one naming the agent's skills. */
    private String description;

    /** The agent's version in the card. */
    private String version = "0.0.0";

    /** The HTTP(S) URL the application is reached at, put in the card's Pilot extension; none by default. */
    private String url;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }
}
