package io.pilot.samples.specialists;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.GroupListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Hears what the coordinator broadcasts to the {@code RESEARCH} group: a topic about to be researched. A
 * specialist here only logs it; a real one might warm a cache or start a slow search early.
 */
@Component
class ResearchNotices {

    private static final Logger log = LoggerFactory.getLogger(ResearchNotices.class);

    /** The broadcast's JSON: {@code {"topic":"attention","requestedBy":"coordinator"}}. */
    record Notice(String topic, String requestedBy) {
    }

    @GroupListener("RESEARCH")
    void onNotice(Notice notice, PilotAddress from) {
        log.info("{} ({}) is researching '{}'", notice.requestedBy(), from, notice.topic());
    }
}
