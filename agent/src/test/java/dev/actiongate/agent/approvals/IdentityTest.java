package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void caseSurroundingSpaceAndCompatibilityFormsAreOneIdentity() {
        for (String same : new String[] {
            "olivia",
            "Olivia",
            "OLIVIA",
            "olivia ",
            " olivia\t",
            "\uff4f\uff4c\uff49\uff56\uff49\uff41", // fullwidth
            "oli\u200bvia", // a zero-width space in the middle
            "\u2000Olivia\u3000", // Unicode spaces around it
        }) {
            assertEquals("olivia", Identity.canonical(same), "'" + same + "'");
            assertTrue(Identity.same("olivia", same), "'" + same + "'");
        }
        assertEquals("d\u017e", Identity.canonical("\u01c4"), "the ligature DZ-caron is two letters, lower case");
    }

    @Test
    void differentPeopleStayDifferent() {
        assertFalse(Identity.same("olivia", "olivia2"));
        assertFalse(Identity.same("olivia", "oli via"), "a space inside a name is part of it");
        assertFalse(Identity.same("olivia", null));
        assertFalse(Identity.same(null, null), "nobody is not somebody");
        assertFalse(Identity.same("", " "), "blank names are nobody");
        assertNull(Identity.canonical(null));
    }
}
