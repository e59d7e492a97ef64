package io.pilot.samples.specialists.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SafeXmlTests {

    @TempDir
    Path dir;

    @Test
    void plainXmlParsesWithNamespaces() {
        Document document = parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title></feed>");

        assertThat(document.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
        assertThat(document.getDocumentElement().getTextContent()).isEqualTo("t");
    }

    @Test
    void anExternalEntityIsNeverResolved() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "the secret");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<rss version=\"2.0\"><channel><title>&xxe;</title></channel></rss>";

        assertThatThrownBy(() -> parse(xxe)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("evil.xml: line 2: ")
                .hasMessageContaining("DOCTYPE is disallowed")
                .hasMessageNotContaining("the secret");
    }

    @Test
    void anEntityExpansionBombIsRefusedBeforeItExpands() {
        String lol = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>";

        assertThatThrownBy(() -> parse(lol)).isInstanceOf(DataException.class).hasMessageContaining("DOCTYPE is disallowed");
    }

    @Test
    void malformedXmlNamesTheFileAndTheLine() {
        assertThatThrownBy(() -> parse("<rss>\n<channel>\n</rss>")).isInstanceOf(DataException.class)
                .hasMessageStartingWith("evil.xml: line 3: ");
    }

    private static Document parse(String xml) {
        return SafeXml.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "evil.xml");
    }
}
