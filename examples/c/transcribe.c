/* Transcribes a WAV file through libvoxshop: one JSON event per line on standard output.
 *
 *   cargo build --release -p voxshop-ffi
 *   cc -O2 -I crates/voxshop-ffi/include examples/c/transcribe.c \
 *      -L target/release -lvoxshop -Wl,-rpath,"$PWD/target/release" -o transcribe
 *   ./transcribe samples/en/add_milk.wav            # events through a callback
 *   ./transcribe --poll samples/en/add_milk.wav     # the same, polled after each push
 *
 * Models come from $VOXSHOP_MODELS or ./models (run scripts/setup first); a settings file
 * (the TOML `voxshop --config` takes) may follow the WAV. The WAV is pushed as it is, in
 * 100 ms blocks: 16-bit integer or 32-bit float, any rate and channel count; the library
 * resamples and downmixes. Exit status 0 on success, 1 with a message on standard error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxshop.h"

struct wav {
    uint16_t format; /* 1 = integer PCM, 3 = IEEE float */
    uint16_t channels;
    uint32_t rate;
    uint16_t bits;
    unsigned char *data;
    size_t bytes;
};

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Reads the fmt and data chunks of a RIFF/WAVE file; returns 0 on success. */
static int read_wav(const char *path, struct wav *w) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    unsigned char head[12], chunk[8], fmt[40];
    int have_fmt = 0;
    memset(w, 0, sizeof *w);
    if (fread(head, 1, 12, f) != 12 || memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4)) {
        fprintf(stderr, "%s: not a RIFF/WAVE file\n", path);
        fclose(f);
        return 1;
    }
    while (fread(chunk, 1, 8, f) == 8) {
        uint32_t size = le32(chunk + 4);
        if (!memcmp(chunk, "fmt ", 4) && size >= 16 && size <= sizeof fmt) {
            if (fread(fmt, 1, size, f) != size) break;
            w->format = le16(fmt);
            w->channels = le16(fmt + 2);
            w->rate = le32(fmt + 4);
            w->bits = le16(fmt + 14);
            if (w->format == 0xFFFE && size >= 26) w->format = le16(fmt + 24); /* extensible */
            have_fmt = 1;
        } else if (!memcmp(chunk, "data", 4) && have_fmt) {
            w->data = malloc(size ? size : 1);
            if (!w->data) { fclose(f); return 1; }
            w->bytes = fread(w->data, 1, size, f);
            fclose(f);
            return 0;
        } else if (fseek(f, size + (size & 1), SEEK_CUR)) {
            break;
        }
    }
    fprintf(stderr, "%s: no fmt or data chunk\n", path);
    fclose(f);
    return 1;
}

static void print_event(const char *json, void *user_data) {
    (void)user_data;
    printf("%s\n", json);
}

static void drain(VxSession *session) {
    char *json;
    while ((json = vx_session_next_event(session)) != NULL) {
        print_event(json, NULL);
        vx_string_free(json);
    }
}

static int failed(const char *what, VxStatus status) {
    fprintf(stderr, "%s failed (%d): %s\n", what, (int)status, vx_last_error());
    return 1;
}

int main(int argc, char **argv) {
    int poll = argc > 1 && !strcmp(argv[1], "--poll");
    if (argc < 2 + poll) {
        fprintf(stderr, "usage: %s [--poll] FILE.wav [SETTINGS.toml]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1 + poll];
    const char *settings = argc > 2 + poll ? argv[2 + poll] : NULL;
    struct wav w;
    if (read_wav(path, &w)) return 1;
    int pcm16 = w.format == 1 && w.bits == 16, float32 = w.format == 3 && w.bits == 32;
    if (!pcm16 && !float32) {
        fprintf(stderr, "%s: %d-bit format %d; this example reads 16-bit PCM or 32-bit float\n",
                path, w.bits, w.format);
        return 1;
    }

    VxRecognizer *rec = NULL;
    VxSession *session = NULL;
    VxStatus st = vx_recognizer_load(settings, NULL, &rec);
    if (st != VX_OK) return failed("vx_recognizer_load", st);
    st = vx_session_open(rec, &session);
    if (st != VX_OK) return failed("vx_session_open", st);
    if (!poll) vx_session_set_callback(session, print_event, NULL);

    size_t frame_bytes = (size_t)w.channels * (w.bits / 8);
    size_t frames = frame_bytes ? w.bytes / frame_bytes : 0, block = w.rate / 10 + 1;
    for (size_t at = 0; at < frames && st == VX_OK; at += block) {
        size_t n = frames - at < block ? frames - at : block;
        const unsigned char *p = w.data + at * frame_bytes;
        st = pcm16 ? vx_session_push_i16(session, (const int16_t *)p, n, w.rate, w.channels)
                   : vx_session_push_f32(session, (const float *)p, n, w.rate, w.channels);
        if (poll) drain(session);
    }
    if (st != VX_OK) return failed("vx_session_push", st);
    st = vx_session_finish(session);
    if (st != VX_OK) return failed("vx_session_finish", st);
    if (poll) drain(session);

    vx_session_free(session);
    vx_recognizer_free(rec);
    free(w.data);
    return 0;
}
