package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySourceTest {

    private static final String FIRST = """
            version: "first"
            govern:
              - method: "com.acme.Mailer#send"
                action: send_mail
            rules: []
            """;
    private static final String SECOND = """
            version: "second"
            govern: []
            default: allow
            rules: []
            """;

    @TempDir
    Path dir;

    @Test
    void theGovernEntriesAndThePolicyOfOneStartComeFromOneReadOfTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), FIRST);
        Object start = new Object();
        List<GovernEntry> govern = PolicySource.forStart(start, file).governEntries();
        Files.writeString(file, SECOND); // changed between the two uses: the start still sees one document
        Policy policy = PolicySource.forStart(start, file).compile();
        assertEquals("first", policy.version());
        assertEquals(govern, policy.govern());
        assertEquals(1, govern.size());
        assertEquals(
                "second",
                PolicySource.forStart(start, file).compile().version(),
                "a third use, or another start, reads the file anew");
    }

    @Test
    void startsAreToldApartByIdentityNotByEquality() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), FIRST);
        PolicySource one = PolicySource.forStart(List.of("config"), file);
        PolicySource other = PolicySource.forStart(List.of("config"), file);
        assertNotSame(one, other);
        Object start = new Object();
        assertSame(PolicySource.forStart(start, file), PolicySource.forStart(start, file));
    }

    @Test
    void anUnreadableFileGivesNoGovernEntriesAndAPolicyProblem() {
        PolicySource source = PolicySource.of(dir.resolve("missing.yaml"));
        assertEquals(List.of(), source.governEntries());
        PolicyException e = assertThrows(PolicyException.class, source::compile);
        assertTrue(e.getMessage().contains("missing.yaml: file not found"), e.getMessage());
    }

    @Test
    void wellFormedGovernEntriesBeforeASyntaxErrorAreStillInstrumented() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                version: "1"
                govern:
                  - method: "com.acme.Mailer#send"
                    action: send_mail
                rules:
                  - id: a
                    verdict: [allow
                """);
        PolicySource source = PolicySource.of(file);
        assertEquals(1, source.governEntries().size(), "instrumented, then denied by the broken policy");
        PolicyException e = assertThrows(PolicyException.class, source::compile);
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void onlyBytesThatCannotSpellTheGovernKeyAreLeftUnparsed() {
        assertTrue(PolicySource.cannotSpellGovern(bytes("version: \"1\"\nrules: []\n")));
        assertTrue(PolicySource.cannotSpellGovern(bytes("gover")));
        assertFalse(PolicySource.cannotSpellGovern(bytes("x: 1\ngovern : []\n")));
        assertFalse(PolicySource.cannotSpellGovern(bytes("{\"governed\": 1}")), "a longer word parses too: no harm");
        assertFalse(PolicySource.cannotSpellGovern(bytes("\"gov\\x65rn\": []")), "an escape can spell it");
        assertFalse(
                PolicySource.cannotSpellGovern("govern: []".getBytes(java.nio.charset.StandardCharsets.UTF_16LE)),
                "in UTF-16 the word is spelt with NUL bytes between its letters");
    }

    @Test
    void anEscapedGovernKeyIsFound() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                version: "1"
                "gov\\x65rn": [{method: "com.acme.Mailer#send", action: send_mail}]
                rules: []
                """);
        PolicySource source = PolicySource.of(file);
        assertEquals(1, source.governEntries().size());
        assertEquals(1, source.compile().govern().size());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
