package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * What Jackson writes for a value the conversion hands to it whole (a date, a byte array, an
 * {@code Iterable}, a type with a serializer of its own), counted against the call's budget as it
 * is written: every value and container takes an element, every text its characters. Past the
 * budget, or deeper than the levels left, writing stops with an {@link IOException}, so that an
 * endless or enormously shared value costs no more than the budget.
 *
 * <p>Objects and arrays Jackson writes are containers the conversion cannot see into, so their
 * cycles are not found by identity; the budget and the depth bound them instead.
 */
final class CountingGenerator extends JsonGeneratorDelegate {

    private final ArgumentConversion conversion;
    private final int levels;
    private int depth;
    private boolean tooDeep;

    /** @param levels how many levels of containers may still be opened */
    CountingGenerator(JsonGenerator target, ArgumentConversion conversion, int levels) {
        // false: Jackson's copy and object methods come back through the counted ones
        super(target, false);
        this.conversion = conversion;
        this.levels = levels;
    }

    /** Whether writing stopped at the depth limit (else, if it stopped, at the budget). */
    boolean tooDeep() {
        return tooDeep;
    }

    private void open() throws IOException {
        value();
        if (++depth > levels) {
            tooDeep = true;
            throw new IOException("nested deeper than the conversion follows");
        }
    }

    private void value() throws IOException {
        if (!conversion.takeNode()) {
            throw new IOException(conversion.exhausted());
        }
    }

    private void text(long chars) throws IOException {
        if (chars < 0 || !conversion.takeChars(chars)) {
            throw new IOException(conversion.exhausted());
        }
    }

    @Override
    public void writeStartArray() throws IOException {
        open();
        super.writeStartArray();
    }

    @Override
    public void writeStartArray(int size) throws IOException {
        open();
        super.writeStartArray(size);
    }

    @Override
    public void writeStartArray(Object forValue) throws IOException {
        open();
        super.writeStartArray(forValue);
    }

    @Override
    public void writeStartArray(Object forValue, int size) throws IOException {
        open();
        super.writeStartArray(forValue, size);
    }

    @Override
    public void writeStartObject() throws IOException {
        open();
        super.writeStartObject();
    }

    @Override
    public void writeStartObject(Object forValue) throws IOException {
        open();
        super.writeStartObject(forValue);
    }

    @Override
    public void writeStartObject(Object forValue, int size) throws IOException {
        open();
        super.writeStartObject(forValue, size);
    }

    @Override
    public void writeEndArray() throws IOException {
        depth--;
        super.writeEndArray();
    }

    @Override
    public void writeEndObject() throws IOException {
        depth--;
        super.writeEndObject();
    }

    @Override
    public void writeFieldName(String name) throws IOException {
        text(name.length());
        super.writeFieldName(name);
    }

    @Override
    public void writeFieldName(SerializableString name) throws IOException {
        text(name.charLength());
        super.writeFieldName(name);
    }

    @Override
    public void writeArray(int[] array, int offset, int length) throws IOException {
        open();
        if (!conversion.takeNodes(length)) {
            throw new IOException(conversion.exhausted());
        }
        super.writeArray(array, offset, length);
        depth--;
    }

    @Override
    public void writeArray(long[] array, int offset, int length) throws IOException {
        open();
        if (!conversion.takeNodes(length)) {
            throw new IOException(conversion.exhausted());
        }
        super.writeArray(array, offset, length);
        depth--;
    }

    @Override
    public void writeArray(double[] array, int offset, int length) throws IOException {
        open();
        if (!conversion.takeNodes(length)) {
            throw new IOException(conversion.exhausted());
        }
        super.writeArray(array, offset, length);
        depth--;
    }

    @Override
    public void writeArray(String[] array, int offset, int length) throws IOException {
        // one string at a time, each counted
        writeStartArray(array, length);
        for (int i = offset; i < offset + length; i++) {
            writeString(array[i]);
        }
        writeEndArray();
    }

    @Override
    public void writeString(String text) throws IOException {
        value();
        text(text == null ? 0 : text.length());
        super.writeString(text);
    }

    @Override
    public void writeString(char[] buffer, int offset, int length) throws IOException {
        value();
        text(length);
        super.writeString(buffer, offset, length);
    }

    @Override
    public void writeString(SerializableString text) throws IOException {
        value();
        text(text.charLength());
        super.writeString(text);
    }

    @Override
    public void writeString(Reader reader, int length) throws IOException {
        value();
        // an unknown length (-1) could be endless: refused like text over the budget
        text(length);
        super.writeString(reader, length);
    }

    @Override
    public void writeRawUTF8String(byte[] buffer, int offset, int length) throws IOException {
        value();
        text(length);
        super.writeRawUTF8String(buffer, offset, length);
    }

    @Override
    public void writeUTF8String(byte[] buffer, int offset, int length) throws IOException {
        value();
        text(length);
        super.writeUTF8String(buffer, offset, length);
    }

    @Override
    public void writeRawValue(String text) throws IOException {
        value();
        text(text.length());
        super.writeRawValue(text);
    }

    @Override
    public void writeRawValue(String text, int offset, int length) throws IOException {
        value();
        text(length);
        super.writeRawValue(text, offset, length);
    }

    @Override
    public void writeRawValue(char[] text, int offset, int length) throws IOException {
        value();
        text(length);
        super.writeRawValue(text, offset, length);
    }

    @Override
    public void writeBinary(Base64Variant variant, byte[] data, int offset, int length) throws IOException {
        value();
        // what the policy sees is the base64 text: four characters for every three bytes
        text((length + 2L) / 3 * 4);
        super.writeBinary(variant, data, offset, length);
    }

    @Override
    public int writeBinary(Base64Variant variant, InputStream data, int length) throws IOException {
        value();
        text(length < 0 ? -1 : (length + 2L) / 3 * 4);
        return super.writeBinary(variant, data, length);
    }

    @Override
    public void writeNumber(short number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(int number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(long number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(BigInteger number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(double number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(float number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(BigDecimal number) throws IOException {
        value();
        super.writeNumber(number);
    }

    @Override
    public void writeNumber(String encoded) throws IOException {
        value();
        text(encoded.length());
        super.writeNumber(encoded);
    }

    @Override
    public void writeBoolean(boolean state) throws IOException {
        value();
        super.writeBoolean(state);
    }

    @Override
    public void writeNull() throws IOException {
        value();
        super.writeNull();
    }

    @Override
    public void writeEmbeddedObject(Object object) throws IOException {
        value();
        super.writeEmbeddedObject(object);
    }
}
