package io.pilot.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * What a native image needs of a {@link Capability} or {@link GroupListener} method: the method itself, invoked
 * reflectively by the starter, and its parameter and return types (with their generics, e.g. the element of a
 * {@code List<Citation>} or a {@code CompletableFuture<Rate>}), which Jackson binds. Named by the annotations'
 * {@code @Reflective}, so the AOT engine applies it to every bean that has such methods.
 */
public final class CapabilityReflectiveProcessor extends SimpleReflectiveProcessor {

    private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

    @Override
    protected void registerMethodHint(ReflectionHints hints, Method method) {
        super.registerMethodHint(hints, method);
        for (Type parameter : method.getGenericParameterTypes()) {
            bindings.registerReflectionHints(hints, parameter);
        }
        bindings.registerReflectionHints(hints, method.getGenericReturnType());
    }
}
