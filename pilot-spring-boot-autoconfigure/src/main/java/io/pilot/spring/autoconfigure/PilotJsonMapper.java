package io.pilot.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper every part of the starter uses (capability arguments and results, group listeners, the
 * client), resolved once: the application's {@link JsonMapper} bean (its primary one if it has several), else a
 * default mapper of the starter's own, the same instance for all. Several mappers and no primary fail start-up, as
 * they would for any other bean.
 *
 * @param mapper the mapper
 */
public record PilotJsonMapper(JsonMapper mapper) {

    static PilotJsonMapper resolve(ObjectProvider<JsonMapper> mappers) {
        return new PilotJsonMapper(mappers.getIfAvailable(JsonMapper::new));
    }
}
