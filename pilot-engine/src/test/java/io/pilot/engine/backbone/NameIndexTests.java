package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameIndexTests {

    private final PilotAddress a = new PilotAddress(0, 1);
    private final PilotAddress b = new PilotAddress(0, 2);
    private final PilotAddress c = new PilotAddress(0, 3);

    @Test
    void holdsTheAddressesOfANameInTheOrderTheyCame() {
        NameIndex index = new NameIndex();
        index.add("fx.convert", b);
        assertThat(index.get("fx.convert")).containsExactly(b);

        index.add("fx.convert", a);
        index.add("fx.convert", c);
        assertThat(index.get("fx.convert")).containsExactly(b, a, c);
    }

    @Test
    void forgetsANameWithItsLastHolder() {
        NameIndex index = new NameIndex();
        index.add("bench", a);
        index.add("bench", b);

        index.remove("bench", a);
        assertThat(index.get("bench")).containsExactly(b);
        index.remove("bench", b);
        assertThat(index.contains("bench")).isFalse();
        assertThat(index.get("bench")).isEmpty();
    }

    @Test
    void addingTheSameHolderTwiceKeepsItOnce() {
        NameIndex index = new NameIndex();
        index.add("bench", a);
        index.add("bench", a);
        assertThat(index.get("bench")).containsExactly(a);
        index.remove("bench", a);
        assertThat(index.contains("bench")).isFalse();
    }

    @Test
    void removingAnAddressThatDoesNotHoldTheNameChangesNothing() {
        NameIndex index = new NameIndex();
        index.add("bench", a);
        index.remove("bench", b);
        index.remove("other", a);
        assertThat(index.get("bench")).containsExactly(a);
    }

    @Test
    void givesTheInstanceOfANameTwoRecordsShare() {
        NameIndex index = new NameIndex();
        index.add(new String("research"), a);
        String shared = new String("research");
        index.add(shared, b);

        assertThat(index.canonical(new String("research"))).isSameAs(shared);
        String unknown = new String("other");
        assertThat(index.canonical(unknown)).isSameAs(unknown);
    }

    @Test
    void aRecordNamingOneNameHoldsItAloneAsTheSharedInstance() {
        NameIndex index = new NameIndex();
        index.add(new String("bench"), a);
        String shared = new String("bench");
        index.add(shared, b);

        assertThat(index.names(new String[] {new String("bench")})).isSameAs(shared);
        Object two = index.names(new String[] {new String("bench"), "other"});
        assertThat(two).isInstanceOf(String[].class);
        assertThat(((String[]) two)[0]).isSameAs(shared);
        assertThat((String[]) index.names(new String[0])).isEmpty();
    }

    @Test
    void aSetOfHoldersShrinksBackToTheOneLeftKeepingTheOrder() {
        NameIndex index = new NameIndex();
        index.add("bench", a);
        index.add("bench", b);
        index.add("bench", c);
        index.remove("bench", b);
        assertThat(index.get("bench")).containsExactly(a, c);
        index.remove("bench", a);
        assertThat(index.get("bench")).containsExactly(c);
        assertThat(index.counts()).containsEntry("bench", 1);
        index.add("bench", a);
        assertThat(index.get("bench")).containsExactly(c, a);
    }

    @Test
    void namingANameFilesNothing() {
        NameIndex index = new NameIndex();
        index.names(new String[] {"bench"});

        assertThat(index.contains("bench")).isFalse();
        assertThat(index.get("bench")).isEmpty();
        index.add("bench", a);
        assertThat(index.get("bench")).containsExactly(a);
    }
}
