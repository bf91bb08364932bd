#!/usr/bin/env python3
"""Synthetic training corpus for the voice-shopping intent classifier + slot tagger.

Usage:
    python3 scripts/gen_corpus.py --seed 42 --per-intent 1500 --out corpus.jsonl

Output: JSON Lines, one example per line:
    {"lang": "en"|"fr", "intent": ..., "text": ..., "spans": [[slot, surface], ...], "slots": {...}}

Labels follow ../shared/DOMAIN.md (the contract) and docs/slot-conventions.md.
Choices made here where neither document is explicit:
  * "a couple of apples": quantity span is "a couple" (the "of" stays outside, like in
    "two litres of milk"); "a dozen" / "half a dozen" / "une douzaine" /
    "une demi-douzaine" are quantity spans (12 / 6, no unit).
  * Article before a unit ("a bottle of wine", "un litre de lait"): the article is the
    quantity span ("a" -> 1).  French "une pomme" (no unit) is a determiner: no quantity.
  * French elision: "d'oeufs" -> item span "oeufs"; "liste d'anniversaire" -> list span
    "anniversaire"; "site d'ikea" -> merchant span "ikea".
  * Contacts are spoken names / relations without possessive: "my brother" -> "brother",
    "ma soeur" -> "soeur", "maman" -> "maman".
  * Charities / lists: the article is not part of the span ("the red cross" -> "red cross",
    "aux restos du coeur" -> "restos du coeur").
  * list: "shopping"/"grocery"/"courses" spans normalise to "shopping"; "my list" /
    "ma liste" carry list=shopping without a span (no name spoken).  For add/remove/read/clear
    list=shopping is always present; for check_savings / share_product only when a list is
    spoken.
  * buy vs buy_for_me: buy_for_me always has a third-party web-shop cue ("on the ikea
    website", "sur le site de nike", "dot com", "app"); buy may name a retailer
    ("order batteries from amazon") without such a cue.
  * English text is ASCII (accents stripped from gazetteer names, e.g. "president");
    French text keeps accents.
Standard library only; deterministic for a given seed.
"""

import argparse
import json
import random
import re
import sys
import unicodedata

from corpus.domain import Domain

# ---------------------------------------------------------------------------
# Gazetteers
# ---------------------------------------------------------------------------
# Products: category -> (default units, comma separated entries)
#   EN entry: "name" (mass / plural-only) or "singular|plural" (countable)
#   FR entry: same plus ":g" gender (m, f, mp, fp)
#   optional "#u1 u2" overrides the category units ("#-" = no unit)

EN_PRODUCTS = [
    ("milk", "l l bottle pack ml",
     "milk, whole milk, skim milk, oat milk, almond milk, soy milk, rice milk, lactose-free milk, "
     "chocolate milk, buttermilk, heavy cream#bottle pack, half and half#bottle pack, orange juice, "
     "apple juice, grapefruit juice, cranberry juice, pineapple juice, tomato juice, lemonade, "
     "iced tea, coconut water, kombucha#bottle pack, smoothie|smoothies#bottle pack"),
    ("bev", "bottle can pack l l",
     "soda, cola, diet soda, sparkling water, mineral water, still water, tonic water, ginger ale, "
     "root beer, energy drink|energy drinks#can pack, beer, cider, lemon soda, iced coffee#bottle can"),
    ("alcohol", "bottle",
     "red wine, white wine, rose wine, champagne, prosecco, vodka, whiskey, rum, gin, tequila, port"),
    ("dry", "kg g bag pack box",
     "flour, all-purpose flour, sugar, brown sugar, powdered sugar, rice, brown rice, basmati rice, "
     "pasta, spaghetti, penne, macaroni, egg noodles, oats, oatmeal, cereal, granola, corn flakes, "
     "quinoa, couscous, lentils, red lentils, dried beans, breadcrumbs, cornstarch, baking soda#box, "
     "baking powder#box, yeast#pack, salt, black pepper, coffee, ground coffee, coffee beans, "
     "coffee pods#box pack, tea#box pack, tea bags#box pack, green tea#box pack, cocoa powder, "
     "hot chocolate mix#box, chia seeds, almonds, walnuts, peanuts, cashews, raisins, "
     "dried apricots, pancake mix#box, instant noodles#pack"),
    ("fruitveg", "kg g bag",
     "apple|apples, banana|bananas, orange|oranges, lemon|lemons, lime|limes, avocado|avocados, "
     "onion|onions, red onion|red onions, potato|potatoes, sweet potato|sweet potatoes, "
     "tomato|tomatoes, cucumber|cucumbers, zucchini|zucchinis, eggplant|eggplants, "
     "bell pepper|bell peppers, carrot|carrots, pear|pears, peach|peaches, mango|mangoes, "
     "kiwi|kiwis, pineapple|pineapples, melon|melons, watermelon|watermelons, "
     "grapefruit|grapefruits, clementine|clementines, nectarine|nectarines, plum|plums, "
     "leek|leeks, shallot|shallots, cabbage|cabbages, cauliflower|cauliflowers, "
     "artichoke|artichokes, beet|beets, turnip|turnips, apricot|apricots"),
    ("fresh", "g kg bag box",
     "grapes, strawberries, blueberries, raspberries, cherries, spinach, broccoli, green beans, "
     "mushrooms, kale, arugula, lettuce, garlic, ginger, parsley, basil, cilantro, mint, "
     "salad, cherry tomatoes, baby carrots, brussels sprouts, asparagus, celery, peas"),
    ("meat", "g kg pack",
     "chicken, chicken breasts, chicken thighs, ground beef, steak, pork chops, bacon, ham, "
     "sausages, turkey, salmon, smoked salmon, shrimp, cod, lamb, ground turkey, hot dogs, "
     "sliced turkey, salami, chorizo, meatballs, tofu, veggie burger|veggie burgers"),
    ("dairy", "g pack box",
     "butter, salted butter, cheese, cheddar, mozzarella, parmesan, feta, brie, goat cheese, "
     "cream cheese, cottage cheese, yogurt, greek yogurt, yogurt cup|yogurt cups#pack box, "
     "whipped cream#can, sour cream, egg|eggs#dozen box"),
    ("bakery", "pack bag",
     "bread, whole wheat bread, sourdough bread, bagel|bagels, baguette|baguettes, "
     "croissant|croissants, muffin|muffins, tortillas, pita bread, hamburger buns, hot dog buns, "
     "english muffins, donut|donuts, pancakes#pack, ham and cheese croissants, "
     "black and white cookies"),
    ("canned", "can",
     "tuna, canned tomatoes, tomato sauce#can bottle, chickpeas, black beans, kidney beans, "
     "baked beans, corn, soup, chicken soup, coconut milk, sardines, tomato paste, olives#can bottle, "
     "spaghetti and meatballs, rice and beans, chicken and rice soup, tomato and basil soup, "
     "macaroni and cheese#box, mac and cheese#box, pork and beans"),
    ("condiment", "bottle",
     "ketchup, mustard, mayonnaise, olive oil#bottle l ml, vegetable oil#bottle l, "
     "sunflower oil#bottle l, vinegar#bottle ml, balsamic vinegar#bottle ml, soy sauce#bottle ml, hot sauce, bbq sauce, "
     "maple syrup, honey#-, jam#-, peanut butter#-, salad dressing, pesto#-, salsa#-"),
    ("snacks", "bag pack box g",
     "chips, potato chips, tortilla chips, pretzels, popcorn, cookies, crackers, chocolate#g, "
     "dark chocolate#g, chocolate bar|chocolate bars#pack box, candy, gummy bears, "
     "granola bar|granola bars#pack box, protein bar|protein bars#pack box, rice cakes, "
     "mixed nuts, trail mix, biscuits, cheese and crackers, sweet and salty popcorn, "
     "chips and salsa, cheese and onion crisps, strawberries and cream wafers, "
     "salt and vinegar chips, salt and pepper chips"),
    ("frozen", "box bag pack",
     "ice cream#box, frozen peas#bag, frozen pizza|frozen pizzas#box, frozen fries#bag, "
     "fish sticks, frozen vegetables#bag, frozen berries#bag, ice cubes#bag, frozen waffles, "
     "popsicles#box, chicken and mushroom pie|chicken and mushroom pies, steak and kidney pie, "
     "bangers and mash, spinach and ricotta ravioli#bag box, fish and chips#box"),
    ("household", "pack box",
     "paper towels#pack, toilet paper#pack, tissues, dish soap#bottle, dishwasher tablets, "
     "laundry detergent#bottle box, fabric softener#bottle, bleach#bottle, "
     "all-purpose cleaner#bottle, glass cleaner#bottle, sponges#pack, trash bags, garbage bags, "
     "aluminum foil#-, plastic wrap#-, parchment paper#-, sandwich bags#box, batteries, "
     "aa batteries, aaa batteries, light bulb|light bulbs, candle|candles#-, matches#box, "
     "napkins#pack, paper plates#pack, plastic cups#pack, coffee filters, air freshener#-, "
     "laundry pods#box bag, rubber gloves#pack, broom|brooms#-, mop|mops#-, vacuum bags#pack, "
     "lighter|lighters#-"),
    ("hygiene", "pack bottle box",
     "toothpaste#pack, toothbrush|toothbrushes#pack, mouthwash#bottle ml, dental floss#pack, "
     "shampoo#bottle ml, conditioner#bottle, shower gel#bottle, body wash#bottle, hand soap#bottle, "
     "soap#pack, deodorant#-, razor|razors#pack, shaving cream#can, cotton pads#bag pack, "
     "cotton swabs#box pack, sunscreen#bottle, hand cream#-, body lotion#bottle, lip balm#-, "
     "face wash#bottle, makeup remover#bottle, tampons#box, sanitary pads#pack, "
     "contact lens solution#bottle, hand sanitizer#bottle, nail polish remover#bottle, "
     "band-aids#box, vitamins#bottle box"),
    ("electronics", "-",
     "headphones, earbuds, wireless earbuds, phone charger|phone chargers, usb cable|usb cables#pack, "
     "hdmi cable|hdmi cables, phone case|phone cases, screen protector|screen protectors#pack, "
     "power bank|power banks, bluetooth speaker|bluetooth speakers, computer mouse, wireless mouse, "
     "keyboard|keyboards, webcam|webcams, smartwatch|smartwatches, fitness tracker|fitness trackers, "
     "tablet|tablets, laptop|laptops, monitor|monitors, printer ink#pack, printer paper#pack box, "
     "memory card|memory cards, usb stick|usb sticks, external hard drive|external hard drives, "
     "smart plug|smart plugs#pack, tv|tvs, video game|video games, "
     "game controller|game controllers, extension cord|extension cords"),
    ("clothes", "-",
     "socks#pack, t-shirt|t-shirts, jeans, sweater|sweaters, hoodie|hoodies, jacket|jackets, "
     "raincoat|raincoats, running shoes, sneakers, boots, sandals, slippers, pajamas, "
     "underwear#pack, leggings, shorts, dress|dresses, shirt|shirts, scarf|scarves, gloves, "
     "hat|hats, cap|caps, belt|belts, swimsuit|swimsuits, winter coat|winter coats"),
    ("pet", "bag kg box",
     "dog food, cat food, dry cat food#bag kg, wet cat food#can pack, puppy food, "
     "cat litter#bag kg, dog treats#bag pack, cat treats#bag pack, bird seed#bag, fish food#box, "
     "dog toy|dog toys#-, chew toy|chew toys#-, poop bags#pack box, flea collar|flea collars#-, "
     "dog shampoo#bottle, hamster food#bag, rabbit food#bag"),
    ("baby", "pack box",
     "diapers, baby wipes#pack, baby formula#box can, baby food#pack, "
     "baby bottle|baby bottles#-, pacifier|pacifiers#-, baby shampoo#bottle, diaper cream#-, "
     "baby cereal#box, bibs#pack"),
    ("garden", "bag kg",
     "potting soil, fertilizer, grass seed, flower seeds#pack, tomato seeds#pack, "
     "garden hose|garden hoses#-, gardening gloves#-, plant pot|plant pots#-, compost, mulch, "
     "weed killer#bottle, slug pellets#box, pruning shears#-, lawn mower|lawn mowers#-, "
     "rake|rakes#-, shovel|shovels#-, flower bulbs#bag pack, charcoal, lighter fluid#bottle"),
    ("home", "-",
     "lamp|lamps, desk lamp|desk lamps, floor lamp|floor lamps, bookshelf|bookshelves, desk|desks, "
     "office chair|office chairs, dining chair|dining chairs, rug|rugs, curtains, pillow|pillows, "
     "duvet|duvets, bed sheets, bath towel|bath towels, towels, mirror|mirrors, "
     "frying pan|frying pans, saucepan|saucepans, kettle|kettles, toaster|toasters, "
     "blender|blenders, coffee maker|coffee makers, microwave|microwaves, "
     "vacuum cleaner|vacuum cleaners, picture frame|picture frames, hangers#pack, "
     "mattress|mattresses, shower curtain|shower curtains, doormat|doormats, wine glasses#box, "
     "mug|mugs, cushion|cushions"),
    ("toys", "-",
     "board game|board games, puzzle|puzzles, teddy bear|teddy bears, crayons#box pack, "
     "play dough#pack, building blocks#box"),
]

FR_PRODUCTS = [
    ("milk", "l l bottle pack ml",
     "lait:m, lait entier:m, lait demi-écrémé:m, lait écrémé:m, lait d'avoine:m, lait d'amande:m, "
     "lait de soja:m, lait sans lactose:m, lait de riz:m, jus d'orange:m, jus de pomme:m, "
     "jus de raisin:m, jus d'ananas:m, jus de pamplemousse:m, crème liquide:f#bottle pack, "
     "limonade:f, thé glacé:m, kombucha:m#bottle, eau de coco:f, sirop de grenadine:m#bottle, "
     "smoothie|smoothies:m#bottle"),
    ("bev", "bottle can pack l l",
     "eau:f#bottle pack l, eau gazeuse:f#bottle pack l, eau minérale:f#bottle pack l, "
     "eau plate:f#bottle pack l, soda:m, coca:m, bière:f, cidre:m#bottle, tonic:m, "
     "boisson énergisante|boissons énergisantes:f#can pack, limonade gazeuse:f, café glacé:m#can bottle"),
    ("alcohol", "bottle",
     "vin rouge:m, vin blanc:m, rosé:m, champagne:m, crémant:m, whisky:m, rhum:m, vodka:f, "
     "pastis:m, gin:m, porto:m"),
    ("dry", "kg g bag pack box",
     "farine:f, sucre:m, sucre roux:m, sucre glace:m, riz:m, riz basmati:m, riz complet:m, "
     "pâtes:fp, spaghettis:mp, coquillettes:fp, penne:fp, flocons d'avoine:mp, céréales:fp, "
     "muesli:m, granola:m, quinoa:m, semoule:f, couscous:m, lentilles:fp, lentilles corail:fp, "
     "pois chiches:mp, haricots secs:mp, chapelure:f, maïzena:f, levure:f#pack, bicarbonate:m#box, "
     "sel:m, poivre:m, café:m, café moulu:m, café en grains:m, capsules de café:fp#box pack, "
     "thé:m#box pack, thé vert:m#box pack, sachets de thé:mp#box, cacao:m, chocolat en poudre:m, "
     "amandes:fp, noix:fp, cacahuètes:fp, noix de cajou:fp, raisins secs:mp, pruneaux:mp, "
     "graines de chia:fp, biscottes:fp#pack, nouilles instantanées:fp#pack"),
    ("fruitveg", "kg g bag",
     "pomme|pommes:f, banane|bananes:f, orange|oranges:f, citron|citrons:m, "
     "citron vert|citrons verts:m, avocat|avocats:m, oignon|oignons:m, "
     "oignon rouge|oignons rouges:m, pomme de terre|pommes de terre:f, "
     "patate douce|patates douces:f, tomate|tomates:f, concombre|concombres:m, "
     "courgette|courgettes:f, aubergine|aubergines:f, poivron|poivrons:m, carotte|carottes:f, "
     "poire|poires:f, pêche|pêches:f, mangue|mangues:f, kiwi|kiwis:m, ananas|ananas:m, "
     "melon|melons:m, pastèque|pastèques:f, pamplemousse|pamplemousses:m, "
     "clémentine|clémentines:f, nectarine|nectarines:f, prune|prunes:f, poireau|poireaux:m, "
     "échalote|échalotes:f, chou|choux:m, chou-fleur|choux-fleurs:m, artichaut|artichauts:m, "
     "betterave|betteraves:f, navet|navets:m, endive|endives:f, salade|salades:f, "
     "laitue|laitues:f, abricot|abricots:m, figue|figues:f"),
    ("fresh", "g kg bag box",
     "raisin:m, fraises:fp, myrtilles:fp, framboises:fp, cerises:fp, épinards:mp, brocolis:mp, "
     "haricots verts:mp, champignons:mp, ail:m, gingembre:m, persil:m, basilic:m, coriandre:f, "
     "menthe:f, ciboulette:f, tomates cerises:fp, mâche:f, roquette:f, petits pois:mp, "
     "asperges:fp, céleri:m, fenouil:m, radis:mp"),
    ("meat", "g kg pack",
     "poulet:m, blancs de poulet:mp, cuisses de poulet:fp, boeuf haché:m, "
     "steak haché|steaks hachés:m, côtes de porc:fp, lardons:mp, bacon:m, jambon:m, "
     "jambon cru:m, saucisses:fp, merguez:fp, dinde:f, saumon:m, saumon fumé:m, crevettes:fp, "
     "cabillaud:m, agneau:m, rôti de porc:m, chipolatas:fp, saucisson:m, chorizo:m, "
     "boulettes de viande:fp, tofu:m, escalopes de dinde:fp, pâté:m, rillettes:fp, foie gras:m"),
    ("dairy", "g pack box",
     "beurre:m, beurre doux:m, beurre demi-sel:m, fromage:m, fromage râpé:m#g pack bag, "
     "emmental:m, comté:m, camembert:m, brie:m, roquefort:m, chèvre:m, mozzarella:f, "
     "parmesan:m, feta:f, fromage blanc:m, yaourts:mp, yaourts nature:mp, yaourts aux fruits:mp, "
     "crème dessert:f#pack, petits suisses:mp, crème fraîche:f#-, compotes:fp#pack, "
     "oeuf|oeufs:m#dozen box"),
    ("bakery", "pack bag",
     "pain:m#-, pain de mie:m, pain complet:m#-, baguette|baguettes:f#-, "
     "croissant|croissants:m#bag, pain au chocolat|pains au chocolat:m#bag, brioche:f, "
     "tortillas:fp, pains burger:mp, muffins:mp, madeleines:fp, crêpes:fp, gaufres:fp"),
    ("canned", "can",
     "thon:m, tomates pelées:fp, sauce tomate:f#can bottle, maïs:m, haricots rouges:mp, "
     "flageolets:mp, cassoulet:m, raviolis:mp, sardines:fp, concentré de tomate:m, "
     "petits pois carottes:mp, soupe:f#can l, lait de coco:m, olives:fp#can bottle, cornichons:mp#-, "
     "soupe potiron et châtaigne:f#can l, lentilles et saucisses:fp"),
    ("condiment", "bottle",
     "ketchup:m, moutarde:f#-, mayonnaise:f, huile d'olive:f#bottle l ml, "
     "huile de tournesol:f#bottle l, huile de colza:f#bottle l, vinaigre:m#bottle ml, "
     "vinaigre balsamique:m#bottle ml, sauce soja:f#bottle ml, sauce piquante:f, sauce barbecue:f, "
     "sirop d'érable:m, miel:m#-, confiture:f#-, pâte à tartiner:f#-, vinaigrette:f, pesto:m#-, "
     "herbes de provence:fp#-"),
    ("snacks", "bag pack box g",
     "chips:fp, biscuits:mp, gâteaux apéritifs:mp, crackers:mp, chocolat:m#g, chocolat noir:m#g, "
     "chocolat au lait:m#g, tablette de chocolat|tablettes de chocolat:f#-, bonbons:mp, "
     "barres de céréales:fp#pack box, barres protéinées:fp#pack box, galettes de riz:fp, "
     "fruits secs:mp, bretzels:mp, pop-corn:m, cookies:mp, biscuits chocolat et noisette:mp, "
     "chips poivre et citron:fp"),
    ("frozen", "box bag pack",
     "glace:f#box, petits pois surgelés:mp#bag, pizza surgelée|pizzas surgelées:f#box, "
     "frites surgelées:fp#bag, poisson pané:m, légumes surgelés:mp#bag, "
     "fruits rouges surgelés:mp#bag, glaçons:mp#bag, esquimaux:mp#box, nuggets:mp, "
     "glace vanille et noix de pécan:f#box, poêlée de légumes et poulet:f#bag"),
    ("household", "pack box",
     "essuie-tout:m#pack, papier toilette:m#pack, mouchoirs:mp, liquide vaisselle:m#bottle, "
     "pastilles lave-vaisselle:fp, tablettes lave-vaisselle:fp, lessive:f#bottle box, "
     "adoucissant:m#bottle, eau de javel:f#bottle, nettoyant multi-usage:m#bottle, "
     "nettoyant vitres:m#bottle, éponges:fp#pack, sacs poubelle:mp, papier aluminium:m#-, "
     "film alimentaire:m#-, papier cuisson:m#-, sacs congélation:mp#box, piles:fp, "
     "ampoule|ampoules:f, bougie|bougies:f#-, allumettes:fp#box, serviettes en papier:fp#pack, "
     "assiettes en carton:fp#pack, gobelets:mp#pack, filtres à café:mp, désodorisant:m#-, "
     "capsules de lessive:fp#box bag, gants de ménage:mp#pack, balai|balais:m#-, "
     "serpillière|serpillières:f#-, sacs aspirateur:mp#pack, briquet|briquets:m#-"),
    ("hygiene", "pack bottle box",
     "dentifrice:m#pack, brosse à dents|brosses à dents:f#pack, bain de bouche:m#bottle ml, "
     "fil dentaire:m#pack, shampoing:m#bottle ml, après-shampoing:m#bottle, gel douche:m#bottle, "
     "savon:m#pack, savon liquide:m#bottle, déodorant:m#-, rasoirs:mp#pack, "
     "mousse à raser:f#can, cotons:mp#bag pack, disques démaquillants:mp#bag pack, "
     "cotons-tiges:mp#box pack, crème solaire:f#bottle, crème pour les mains:f#-, "
     "lait pour le corps:m#bottle, baume à lèvres:m#-, démaquillant:m#bottle, tampons:mp#box, "
     "serviettes hygiéniques:fp#pack, solution pour lentilles:f#bottle, "
     "gel hydroalcoolique:m#bottle, dissolvant:m#bottle, pansements:mp#box, "
     "vitamines:fp#box bottle, paracétamol:m#box"),
    ("electronics", "-",
     "casque|casques:m, écouteurs:mp, écouteurs sans fil:mp, chargeur|chargeurs:m, "
     "câble usb|câbles usb:m#pack, câble hdmi|câbles hdmi:m, coque de téléphone|coques de téléphone:f, "
     "protection d'écran|protections d'écran:f#pack, batterie externe|batteries externes:f, "
     "enceinte bluetooth|enceintes bluetooth:f, souris sans fil:f, clavier|claviers:m, "
     "webcam|webcams:f, montre connectée|montres connectées:f, tablette tactile|tablettes tactiles:f, "
     "ordinateur portable|ordinateurs portables:m, écran|écrans:m, cartouches d'encre:fp#pack, "
     "papier pour imprimante:m#pack box, carte mémoire|cartes mémoire:f, clé usb|clés usb:f, "
     "disque dur externe|disques durs externes:m, prise connectée|prises connectées:f#pack, "
     "télé|télés:f, jeu vidéo|jeux vidéo:m, manette|manettes:f, rallonge|rallonges:f, "
     "réveil|réveils:m"),
    ("clothes", "-",
     "chaussettes:fp#pack, t-shirt|t-shirts:m, jean|jeans:m, pull|pulls:m, sweat|sweats:m, "
     "veste|vestes:f, imperméable|imperméables:m, baskets:fp, chaussures de course:fp, "
     "bottes:fp, sandales:fp, chaussons:mp, pyjama|pyjamas:m, caleçons:mp#pack, leggings:mp, "
     "short|shorts:m, robe|robes:f, chemise|chemises:f, écharpe|écharpes:f, gants:mp, "
     "bonnet|bonnets:m, casquette|casquettes:f, ceinture|ceintures:f, "
     "maillot de bain|maillots de bain:m, manteau|manteaux:m, doudoune|doudounes:f"),
    ("pet", "bag kg box",
     "croquettes:fp, croquettes pour chat:fp, croquettes pour chien:fp, pâtée pour chat:f#can pack, "
     "pâtée pour chien:f#can pack, litière:f#bag kg, friandises pour chien:fp#bag pack, "
     "friandises pour chat:fp#bag pack, graines pour oiseaux:fp#bag, nourriture pour poissons:f#box, "
     "jouet pour chien|jouets pour chien:m#-, os à mâcher:mp#pack, sacs à crottes:mp#pack box, "
     "collier antipuces|colliers antipuces:m#-, shampoing pour chien:m#bottle, foin:m#bag"),
    ("baby", "pack box",
     "couches:fp, lingettes:fp#pack, lait infantile:m#box can, petits pots:mp#pack, "
     "biberon|biberons:m#-, tétine|tétines:f#-, liniment:m#bottle, crème pour le change:f#-, "
     "céréales bébé:fp#box, gel lavant bébé:m#bottle, bavoirs:mp#pack"),
    ("garden", "bag kg",
     "terreau:m, engrais:m, graines de gazon:fp, graines de fleurs:fp#pack, "
     "graines de tomates:fp#pack, tuyau d'arrosage|tuyaux d'arrosage:m#-, gants de jardinage:mp#-, "
     "pot de fleurs|pots de fleurs:m#-, compost:m, paillage:m, désherbant:m#bottle, "
     "granulés anti-limaces:mp#box, sécateur|sécateurs:m#-, tondeuse|tondeuses:f#-, "
     "râteau|râteaux:m#-, pelle|pelles:f#-, bulbes:mp#bag pack, charbon de bois:m, "
     "allume-feu:mp#box pack"),
    ("home", "-",
     "lampe|lampes:f, lampe de bureau|lampes de bureau:f, lampadaire|lampadaires:m, "
     "étagère|étagères:f, bureau|bureaux:m, chaise de bureau|chaises de bureau:f, chaise|chaises:f, "
     "tapis|tapis:m, rideaux:mp, oreiller|oreillers:m, couette|couettes:f, draps:mp, "
     "serviette de bain|serviettes de bain:f, miroir|miroirs:m, poêle|poêles:f, "
     "casserole|casseroles:f, bouilloire|bouilloires:f, grille-pain:m, mixeur|mixeurs:m, "
     "cafetière|cafetières:f, micro-ondes:m, aspirateur|aspirateurs:m, cadre photo|cadres photo:m, "
     "cintres:mp#pack, matelas:m, rideau de douche|rideaux de douche:m, paillasson|paillassons:m, "
     "verres à vin:mp#box, tasse|tasses:f, coussin|coussins:m"),
    ("toys", "-",
     "jeu de société|jeux de société:m, puzzle|puzzles:m, peluche|peluches:f, "
     "crayons de couleur:mp#box pack, pâte à modeler:f#pack, cubes de construction:mp#box"),
]

# Brands by product category (lower case).  Accents are stripped in English text.
BRANDS = {
    "milk": "lactel, candia, oatly, alpro, bjorg, tropicana, innocent, minute maid, joker, "
            "pampryl, silk, horizon, lactalis",
    "bev": "coca-cola, pepsi, orangina, oasis, schweppes, perrier, badoit, évian, volvic, "
           "cristaline, san pellegrino, red bull, monster, heineken, kronenbourg, leffe, corona, "
           "guinness, lipton, fuze tea, sprite, fanta, dr pepper, canada dry",
    "alcohol": "jack daniel's, absolut, bacardi, ricard, grey goose, smirnoff, johnnie walker, "
               "baileys, martini, moët",
    "dry": "barilla, panzani, lustucru, uncle ben's, taureau ailé, quaker, kellogg's, nestlé, "
           "general mills, jordans, bjorg, nescafé, carte noire, lavazza, nespresso, l'or, "
           "starbucks, maxwell house, folgers, twinings, lipton, tetley, kusmi tea, béghin say, "
           "francine, tipiak, ebly, king arthur, vahiné, banania, nesquik",
    "meat": "herta, fleury michon, le gaulois, père dodu, charal, tyson, oscar mayer, hormel, "
            "johnsonville, justin bridou, cochonou, labeyrie",
    "dairy": "danone, président, yoplait, activia, bridel, elle et vire, philadelphia, babybel, "
             "kiri, la vache qui rit, alpro, chobani, fage, land o lakes, kerrygold, "
             "paysan breton, la laitière, siggi's",
    "bakery": "harrys, jacquet, pasquier, brioche pasquier, la boulangère, st michel, "
              "pepperidge farm, dave's killer bread",
    "canned": "heinz, campbell's, del monte, géant vert, bonduelle, cassegrain, saupiquet, "
              "petit navire, william saurin, bush's, hunt's",
    "condiment": "heinz, amora, maille, lesieur, puget, hellmann's, french's, kraft, tabasco, "
                 "benedicta, bonne maman, st dalfour, smucker's, jif, skippy, nutella",
    "snacks": "green and black's, lay's, pringles, doritos, milka, lindt, côte d'or, kinder, ferrero, haribo, "
              "oreo, lu, bn, belvita, cadbury, hershey's, kitkat, twix, snickers, ritz, tuc, "
              "bénénuts, vico, nature valley, clif, mcvitie's",
    "frozen": "ben and jerry's, häagen-dazs, carte d'or, magnum, mccain, findus, iglo, "
              "birds eye, ore-ida, buitoni, dr oetker",
    "household": "church and dwight, ariel, persil, tide, le chat, mir, fairy, dawn, cascade, finish, ajax, "
                 "mr propre, mr clean, lysol, clorox, harpic, saint marc, sopalin, lotus, "
                 "charmin, bounty, kleenex, glad, ziploc, albal, duracell, energizer, varta, "
                 "swiffer, vileda, lenor, downy, cif",
    "hygiene": "crabtree and evelyn, colgate, signal, elmex, oral-b, sensodyne, crest, dove, nivea, garnier, "
               "l'oréal, head and shoulders, pantene, gillette, axe, rexona, tampax, always, "
               "neutrogena, cerave, la roche-posay, vichy, le petit marseillais, ushuaïa, mixa, "
               "sanex, listerine, old spice, schwarzkopf, aveeno, bioderma, avène, nuxe, "
               "palmolive, dop",
    "electronics": "bang and olufsen, apple, samsung, sony, bose, jbl, philips, logitech, anker, lg, xiaomi, "
                   "google, microsoft, nintendo, hp, canon, epson, sandisk, belkin, lenovo, "
                   "dell, asus, huawei, marshall, sennheiser, beats, fitbit, garmin",
    "clothes": "dolce and gabbana, lucy and yak, marie et marcel, nike, adidas, puma, levi's, lacoste, petit bateau, converse, vans, new balance, "
               "the north face, columbia, quechua, reebok, asics, carhartt, ralph lauren, "
               "tommy hilfiger, calvin klein, le coq sportif, salomon, timberland, dr martens, "
               "birkenstock, patagonia, champion, under armour",
    "pet": "bonne et filou, purina, pedigree, whiskas, royal canin, felix, friskies, sheba, cesar, hill's, "
           "ultima, iams, blue buffalo, fancy feast, tetra, catsan",
    "baby": "pampers, huggies, blédina, gallia, mustela, guigoz, similac, gerber, johnson's, "
            "enfamil, love and green, lotus baby, avent, mam",
    "garden": "scotts, miracle-gro, gardena, fiskars, algoflash, substral, compo, "
              "black and decker, ryobi, stihl, weber, kingsford",
    "home": "dyson, moulinex, seb, tefal, krups, delonghi, kitchenaid, braun, rowenta, bosch, "
            "le creuset, cuisinart, keurig, ninja, smeg, brita",
    "toys": "lego, playmobil, hasbro, mattel, fisher-price, vtech, ravensburger, crayola",
}

MERCHANTS = ("crate and barrel, b and q, lord and taylor, holland and barrett, b and h photo, "
             "sport et loisirs, cuisine et saveurs, amazon, ikea, decathlon, fnac, darty, leroy merlin, boulanger, carrefour, auchan, "
             "leclerc, intermarché, monoprix, franprix, lidl, aldi, cdiscount, la redoute, "
             "zalando, sephora, nocibé, truffaut, castorama, bricomarché, conforama, "
             "maisons du monde, picard, walmart, target, best buy, costco, home depot, lowe's, "
             "kroger, walgreens, cvs, etsy, ebay, wayfair, zara, uniqlo, apple, nike, adidas, "
             "lego, gap, macy's, whole foods, trader joe's, staples, petco, chewy, boots, tesco, "
             "argos, john lewis, asda, waitrose, back market, king jouet, action, gifi, kiabi, "
             "celio, galeries lafayette, bhv, nature et découvertes, botanic, jardiland, "
             "maxi zoo, zooplus, vertbaudet, oxybul, cultura, rakuten, veepee, samsung, sony, "
             "dyson, lacoste, the north face, nespresso")
RETAILERS = ("amazon, carrefour, auchan, leclerc, intermarché, monoprix, franprix, lidl, "
             "walmart, target, costco, kroger, whole foods, tesco, asda, waitrose, cdiscount, "
             "aldi, picard, trader joe's")

# Brands that only make sense for some items: hint substrings (EN/FR item name, "_" = space)
# -> brands.
# Brands not listed here may go with any item of their category.
BRAND_HINTS = [
    ("coffee café", "nescafé, carte noire, lavazza, nespresso, l'or, starbucks, maxwell house, folgers"),
    ("tea thé", "twinings, tetley, kusmi tea, lipton, fuze tea"),
    ("pasta spaghetti penne macaroni noodles pâtes coquillettes nouilles couscous semoule",
     "barilla, panzani, lustucru"),
    ("rice riz quinoa", "uncle ben's, taureau ailé, ebly, tipiak"),
    ("cereal flakes oats oatmeal granola muesli céréales flocons", "kellogg's, quaker, general mills, jordans"),
    ("flour sugar yeast baking farine sucre levure bicarbonate maïzena",
     "vahiné, francine, king arthur, béghin say"),
    ("cocoa chocolate cacao chocolat", "banania, nesquik"),
    ("water eau", "évian, volvic, cristaline, badoit, perrier, san pellegrino"),
    ("beer bière", "heineken, kronenbourg, leffe, corona, guinness"),
    ("soda cola coca tonic ginger lemon limonade", "coca-cola, pepsi, sprite, fanta, dr pepper, "
     "orangina, oasis, schweppes, canada dry"),
    ("energy énergisante", "red bull, monster"),
    ("whiskey whisky", "jack daniel's, johnnie walker"),
    ("vodka", "absolut, grey goose, smirnoff"),
    ("rum rhum", "bacardi"), ("pastis", "ricard"), ("champagne", "moët"),
    ("juice jus smoothie lemonade limonade", "tropicana, innocent, minute maid, joker, pampryl"),
    ("oat almond soy rice avoine amande soja riz coco", "oatly, alpro, bjorg, silk"),
    ("milk lait cream crème", "lactel, candia, lactalis, horizon"),
    ("butter beurre cheese brie camembert emmental crème cream comté",
     "président, elle et vire, kerrygold, paysan breton, land o lakes"),
    ("yogurt yaourt dessert suisses fromage_blanc cottage", "danone, yoplait, activia, chobani, fage, "
     "siggi's, la laitière"),
    ("cheese fromage emmental camembert brie mozzarella", "philadelphia, babybel, kiri, la vache qui rit, bridel"),
    ("ham jambon bacon lardons hot_dogs sliced_turkey saucisses sausages",
     "herta, fleury michon, oscar mayer, johnsonville, hormel"),
    ("chicken poulet dinde turkey nuggets", "le gaulois, père dodu, tyson"),
    ("beef boeuf steak", "charal"), ("saucisson salami chorizo", "justin bridou, cochonou"),
    ("salmon saumon foie gras", "labeyrie"),
    ("chips pretzels bretzels nuts cacahuètes apéritifs popcorn pop-corn crackers",
     "lay's, pringles, doritos, bénénuts, vico"),
    ("chocolat chocolate candy bonbons", "milka, lindt, côte d'or, cadbury, hershey's, kinder, ferrero"),
    ("chocolate chocolat candy bars barres", "kitkat, twix, snickers"),
    ("cookies biscuits crackers madeleines", "oreo, lu, bn, belvita, mcvitie's, st michel"),
    ("candy gummy bonbons", "haribo"), ("crackers apéritifs", "ritz, tuc"),
    ("bar barres", "nature valley, clif"),
    ("ice_cream glace esquimaux popsicles", "ben and jerry's, häagen-dazs, carte d'or, magnum"),
    ("fries frites", "mccain, ore-ida"),
    ("fish poisson vegetables légumes peas pois", "findus, iglo, birds eye"),
    ("pizza", "buitoni, dr oetker"),
    ("laundry lessive softener adoucissant pods", "ariel, persil, tide, le chat, lenor, downy"),
    ("dish vaisselle", "fairy, dawn, mir"), ("dishwasher lave-vaisselle", "cascade, finish"),
    ("batteries piles", "duracell, energizer, varta"),
    ("toilet towels essuie-tout napkins serviettes_en_papier", "sopalin, lotus, bounty, charmin"),
    ("tissues mouchoirs", "kleenex, lotus"),
    ("bags sacs foil aluminium wrap film", "glad, ziploc, albal"),
    ("cleaner nettoyant bleach javel", "ajax, mr propre, mr clean, lysol, clorox, harpic, saint marc, cif"),
    ("mop broom balai serpillière sponges éponges", "swiffer, vileda"),
    ("tooth dent floss mouthwash bouche", "colgate, signal, elmex, sensodyne, crest, oral-b"),
    ("mouthwash bouche floss", "listerine"), ("razor rasoir shaving raser", "gillette"),
    ("tampons pads hygiéniques", "tampax, always"),
    ("shampoo shampoing conditioner", "pantene, head and shoulders, schwarzkopf"),
    ("cream crème lotion wash soap savon shampoo shampoing deodorant déodorant sunscreen solaire "
     "démaquillant makeup lait_pour_le_corps baume lip gel_douche",
     "dove, nivea, garnier, l'oréal, neutrogena, cerave, la roche-posay, vichy, bioderma, avène, "
     "nuxe, aveeno, mixa"),
    ("deodorant déodorant shower_gel gel_douche body_wash", "rexona, axe, old spice"),
    ("shower_gel gel_douche soap savon shampoo shampoing body_wash hand_soap", "le petit marseillais, "
     "ushuaïa, sanex, dop, palmolive"),
    ("cat chat litter litière", "whiskas, felix, sheba, fancy feast, catsan, friskies"),
    ("dog chien puppy", "pedigree, cesar"), ("fish poissons", "tetra"),
    ("diapers couches wipes lingettes", "pampers, huggies"),
    ("baby_food cereal petits_pots céréales", "blédina, gerber"),
    ("formula infantile", "gallia, guigoz, similac, enfamil"),
    ("bottle biberon pacifier tétine", "avent, mam"),
    ("game jeu controller manette", "nintendo"),
    ("printer imprimante ink encre", "canon, epson, hp"),
    ("memory usb carte clé hard disque", "sandisk"), ("watch montre tracker", "fitbit, garmin"),
    ("headphones earbuds speaker casque écouteurs enceinte", "beats, bose, sennheiser, marshall, jbl"),
    ("charger chargeur cable câble power batterie", "anker, belkin"),
    ("mouse souris keyboard clavier webcam", "logitech"),
    ("tv télé headphones casque light_bulb ampoule speaker enceinte", "philips"),
    ("keyboard clavier mouse souris controller manette laptop ordinateur", "microsoft"),
    ("tablet tablette laptop ordinateur watch montre earbuds écouteurs charger chargeur phone "
     "headphones casque", "apple, samsung, huawei, xiaomi, google"),
    ("tv télé headphones casque earbuds écouteurs speaker enceinte monitor écran controller manette "
     "game jeu", "sony, lg, samsung"),
    ("laptop ordinateur monitor écran keyboard clavier mouse souris webcam", "lenovo, dell, asus, hp"),
    ("coffee cafetière", "keurig"), ("vacuum aspirateur", "dyson"),
    ("pan poêle casserole saucepan", "le creuset"),
    ("blender mixeur toaster grille-pain kettle bouilloire pan poêle casserole saucepan micro coffee "
     "cafetière microwave", "moulinex, seb, tefal, krups, delonghi, kitchenaid, braun, rowenta, bosch, "
     "cuisinart, ninja, smeg"),
    ("sandals sandales", "birkenstock"), ("boots bottes", "dr martens, timberland"),
    ("shoes sneakers baskets chaussures", "converse, vans, new balance, asics, reebok, salomon"),
    ("jeans jean", "levi's"), ("pajamas pyjama t-shirt underwear caleçons", "petit bateau"),
    ("charcoal charbon lighter allume", "weber, kingsford"), ("hose tuyau", "gardena"),
    ("shears sécateur rake shovel râteau pelle", "fiskars"),
    ("mower tondeuse shears sécateur", "ryobi, stihl, black and decker"),
    ("soil terreau fertilizer engrais seed graines compost mulch paillage weed désherbant slug limaces",
     "scotts, miracle-gro, algoflash, substral, compo"),
    ("blocks construction", "lego, playmobil"), ("crayons", "crayola"), ("puzzle", "ravensburger"),
    ("game jeu teddy peluche", "hasbro, mattel"),
]

# Merchants that only sell some product categories (others: any category).
MERCHANT_CATS = [
    ("ikea, conforama, maisons du monde, wayfair, bhv", "home household toys"),
    ("decathlon", "clothes garden electronics"),
    ("fnac, darty, boulanger, best buy, back market", "electronics home"),
    ("apple, samsung, sony", "electronics"),
    ("dyson", "home"), ("nespresso", "dry home"),
    ("zalando, zara, uniqlo, kiabi, celio, gap, galeries lafayette, macy's, nike, adidas, lacoste, "
     "the north face", "clothes"),
    ("sephora, nocibé, boots, walgreens, cvs", "hygiene baby"),
    ("truffaut, jardiland, botanic", "garden pet home"),
    ("leroy merlin, castorama, bricomarché, home depot, lowe's", "garden home household"),
    ("maxi zoo, zooplus, petco, chewy", "pet"),
    ("vertbaudet, oxybul", "baby toys clothes"),
    ("king jouet, lego, cultura", "toys"), ("nature et découvertes", "toys home"),
    ("carrefour, auchan, leclerc, intermarché, monoprix, franprix, lidl, aldi, kroger, whole foods, "
     "trader joe's, tesco, asda, waitrose",
     "milk bev alcohol dry fruitveg fresh meat dairy bakery canned condiment snacks frozen household "
     "hygiene pet baby"),
    ("picard", "frozen meat bakery fresh"),
    ("staples", "electronics household"), ("argos, john lewis", "home electronics toys clothes"),
    ("etsy", "home clothes toys"), ("action, gifi", "household home toys hygiene garden"),
]

# charity: name:article   (article the/le/la/les/- ; vowel elision is automatic)
CHARITIES_EN = ("red cross:the, unicef:-, doctors without borders:-, save the children:-, "
                "salvation army:the, oxfam:-, greenpeace:-, amnesty international:-, "
                "world wildlife fund:the, wwf:the, aspca:the, humane society:the, "
                "feeding america:-, habitat for humanity:-, st jude:-, "
                "american cancer society:the, food bank:the, wounded warrior project:the, "
                "make-a-wish foundation:the, charity water:-, nature conservancy:the, "
                "world food programme:the, mercy corps:-, direct relief:-, trevor project:the, "
                "united way:-, goodwill:-, sierra club:the, rnli:the, cancer research uk:-, "
                "macmillan:-, british heart foundation:the, nspcc:the, shelter:-, "
                "medecins sans frontieres:-, red crescent:the, alzheimer's association:the, "
                "wikipedia:-, local animal shelter:the, children's hospital:the, "
                "parks and trails foundation:the, arts and minds:-, guide dogs and hearing dogs:-, "
                "meals and wheels:-")
CHARITIES_FR = ("enfants et santé:-, soleil et partage:-, croix-rouge:la, restos du coeur:les, secours populaire:le, "
                "secours catholique:le, unicef:le, médecins sans frontières:-, "
                "médecins du monde:-, fondation abbé pierre:la, spa:la, "
                "ligue contre le cancer:la, téléthon:le, institut pasteur:le, emmaüs:-, "
                "action contre la faim:-, fondation de france:la, handicap international:-, "
                "petits frères des pauvres:les, sidaction:le, amnesty international:-, "
                "greenpeace:-, wwf:le, fondation 30 millions d'amis:la, apprentis d'auteuil:les, "
                "banque alimentaire:la, armée du salut:la, plan international:-, "
                "sos villages d'enfants:-, oxfam:-, ordre de malte:le, aides:-, "
                "fondation des femmes:la, fondation pour la recherche médicale:la, "
                "restos:les, croix rouge:la, unicef france:-, secours islamique:le")

EN_NAMES = ("julie, thomas, marie, pierre, sophie, lucas, emma, lea, hugo, chloe, camille, "
            "nicolas, david, sarah, john, mike, emily, jessica, michael, chris, alex, sam, kevin, "
            "laura, anna, paul, antoine, manon, louis, jules, olivier, jack, olivia, noah, liam, "
            "ava, mia, ethan, james, grace, lily, ben, kate, tom, lisa, mark, rachel, dan, nina, "
            "zoe, max, leo, oscar, ruby, jenny, steve, amy, peter, susan, karen")
EN_RELATIONS = ("mom, dad, mum, mother, father, brother, sister, wife, husband, son, daughter, "
                "grandma, grandpa, aunt, uncle, cousin, girlfriend, boyfriend, partner, "
                "roommate, neighbor, boss, best friend, babysitter, mother-in-law, sister-in-law, "
                "brother-in-law, nanny, coworker, friend")
EN_BARE_REL = "mom, dad, mum, grandma, grandpa, nana, granny, aunt sue, uncle bob"
FR_NAMES = ("julie, thomas, marie, pierre, sophie, lucas, emma, léa, hugo, chloé, camille, "
            "nicolas, david, sarah, antoine, manon, inès, louis, jules, nathalie, isabelle, "
            "françois, olivier, mathilde, théo, raphaël, gabriel, arthur, louise, alice, jade, "
            "lina, nathan, maxime, clément, élodie, céline, sandrine, stéphane, laurent, julien, "
            "romain, claire, pauline, audrey, vincent, benoît, aurélie, karim, yasmine, mehdi, "
            "fatima, sofia, adam, paul, anne, jeanne, zoé, léo, marc")
FR_RELATIONS = ("frère:m, soeur:f, femme:f, mari:m, fils:m, fille:f, tante:f, oncle:m, "
                "cousin:m, cousine:f, copine:f, copain:m, voisin:m, voisine:f, meilleure amie:f, "
                "meilleur ami:m, coloc:m, belle-mère:f, beau-père:m, grand-mère:f, "
                "grand-père:m, parrain:m, marraine:f, chéri:m, chérie:f, mère:f, père:m, "
                "nounou:f, patron:m, amie:f, ami:m, collègue:m, belle-soeur:f, beau-frère:m")
FR_BARE_REL = "maman, papa, mamie, papi, tata, tonton, mamy, papy"

EN_LISTS = ("party, christmas, bbq, barbecue, birthday, camping, holiday, vacation, baby shower, "
            "back to school, weekly, hardware, pharmacy, wedding, thanksgiving, halloween, "
            "picnic, office, easter, beach, road trip, dinner party, game night, housewarming, "
            "diy, garden, pet, baby, college, brunch, costco, weekend, camping trip, pool party, "
            "food and drinks, bits and bobs, cleaning and laundry, school and office, "
            "pets and plants")
FR_LISTS = ("noël, anniversaire, pharmacie, fête, barbecue, vacances, camping, pique-nique, "
            "bricolage, rentrée, bébé, mariage, apéro, soirée, pâques, jardin, bureau, "
            "week-end, brunch, raclette, réveillon, marché, bio, maison, plage, randonnée, "
            "crémaillère, goûter, halloween, ski, drive, bébé et maman, bureau et école, "
            "ménage et lessive")

DOMAIN = Domain()
SLOTS_BY_INTENT = DOMAIN.slots_by_intent
INTENTS = DOMAIN.intents
LIST_DEFAULT_INTENTS = DOMAIN.list_default_intents
ALL_SLOTS = DOMAIN.slots

# ---------------------------------------------------------------------------
# Gazetteer parsing
# ---------------------------------------------------------------------------

def csv_items(s):
    return [x.strip() for x in s.split(",") if x.strip()]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class Prod:
    __slots__ = ("name", "sing", "gender", "plural", "cat", "units")

    def __init__(self, name, sing, gender, plural, cat, units):
        self.name, self.sing, self.gender, self.plural = name, sing, gender, plural
        self.cat, self.units = cat, units


def parse_products(table, lang):
    out = []
    for cat, units, entries in table:
        default_units = [] if units == "-" else units.split()
        for e in csv_items(entries):
            u = default_units
            if "#" in e:
                e, uo = e.split("#")
                u = [] if uo.strip() == "-" else uo.split()
            gender = None
            if lang == "fr":
                e, gender = e.rsplit(":", 1)
            sing = None
            if "|" in e:
                sing, name = e.split("|")
                plural = True
            else:
                name = e
                plural = lang == "en" and False
                if lang == "fr":
                    plural = gender.endswith("p")
            if gender:
                gender = gender[0]
            out.append(Prod(name.strip(), sing.strip() if sing else None, gender,
                            plural, cat, list(u)))
    return out


PRODUCTS = {"en": parse_products(EN_PRODUCTS, "en"), "fr": parse_products(FR_PRODUCTS, "fr")}
BRANDS_BY_CAT = {k: csv_items(v) for k, v in BRANDS.items()}
BRAND_HINT = {}
for _hints, _brands in BRAND_HINTS:
    for _b in csv_items(_brands):
        BRAND_HINT[_b] = BRAND_HINT.get(_b, ()) + tuple(h.replace("_", " ") for h in _hints.split())
MERCHANT_CAT = {}
for _ms, _cats in MERCHANT_CATS:
    for _m in csv_items(_ms):
        MERCHANT_CAT[_m] = tuple(_cats.split())
PRODUCTS_BY_CAT = {lang: {} for lang in PRODUCTS}
for _lang, _lst in PRODUCTS.items():
    for _p in _lst:
        PRODUCTS_BY_CAT[_lang].setdefault(_p.cat, []).append(_p)
EGGS = {lang: [p for p in PRODUCTS[lang] if p.units and "dozen" in p.units] for lang in PRODUCTS}
MERCHANT_LIST = csv_items(MERCHANTS)
RETAILER_LIST = csv_items(RETAILERS)


def parse_charities(s):
    out = []
    for e in csv_items(s):
        name, art = e.rsplit(":", 1)
        out.append((name, art))
    return out


CHARITY = {"en": parse_charities(CHARITIES_EN), "fr": parse_charities(CHARITIES_FR)}
FR_REL = [tuple(e.rsplit(":", 1)) for e in csv_items(FR_RELATIONS)]

GROUPS = {
    "grocery": ("milk", "bev", "alcohol", "dry", "fruitveg", "fresh", "meat", "dairy", "bakery",
                "canned", "condiment", "snacks", "frozen"),
    "consumable": ("household", "hygiene", "pet", "baby"),
    "durable": ("electronics", "clothes", "home", "garden", "toys"),
}
PRODUCTS_BY_GROUP = {
    lang: {g: [p for p in PRODUCTS[lang] if p.cat in cats] for g, cats in GROUPS.items()}
    for lang in ("en", "fr")
}
POOL_WEIGHTS = {
    "add_to_list": (70, 22, 8),
    "remove_from_list": (70, 22, 8),
    "buy": (35, 30, 35),
    "reorder": (50, 40, 10),
    "activate_offer": (55, 40, 5),
    "track_order": (15, 25, 60),
    "cancel_order": (15, 25, 60),
    "buy_for_me": (0, 15, 85),
    "share_product": (30, 15, 55),
    "out_of_scope": (75, 15, 10),
}

# ---------------------------------------------------------------------------
# Numbers and units
# ---------------------------------------------------------------------------

UNIT_EN = {code: [(f.singular, f.plural) for f in forms] for code, forms in DOMAIN.units["en"].items()}
UNIT_FR = {code: [(f.singular, f.plural, f.gender) for f in forms] for code, forms in DOMAIN.units["fr"].items()}
DRINK_CATS = ("milk", "bev", "alcohol")
DOZENABLE = ("dairy", "bakery", "fruitveg")
SMALL_MASS = [100, 125, 150, 200, 250, 300, 400, 500, 750]


def wchoice(rng, pairs):
    """pairs: list of (value, weight); deterministic weighted choice."""
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    acc = 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def spoken(rng, lang, n):
    forms = DOMAIN.spoken[lang][n]
    if len(forms) > 1 and rng.random() < 0.5:
        return forms[1]
    return forms[0]


def en_num(rng, n, words_p=0.65):
    if n in DOMAIN.spoken["en"] and rng.random() < words_p:
        s = spoken(rng, "en", n)
        if " " in s and n < 100 and rng.random() < 0.3:
            s = s.replace(" ", "-")
        return s
    return str(n)


def fr_num(rng, n, gender="m", words_p=0.65):
    if n == 1:
        return "une" if gender == "f" else "un"
    if n in DOMAIN.spoken["fr"] and rng.random() < words_p:
        return spoken(rng, "fr", n)
    return str(n)


COUNT_WEIGHTS = [(1, 6), (2, 14), (3, 11), (4, 8), (5, 6), (6, 5), (7, 2), (8, 3), (9, 1),
                 (10, 4), (11, 1), (12, 3), (13, 0.5), (14, 0.5), (15, 1), (16, 0.5),
                 (17, 0.3), (18, 0.5), (19, 0.3), (20, 2), (24, 1), (30, 0.7), (50, 0.5)]
UNIT_COUNT_WEIGHTS = [(2, 14), (3, 10), (4, 7), (5, 5), (6, 5), (8, 2), (10, 3), (12, 2),
                      (7, 1), (9, 1), (11, 0.5), (15, 0.5), (20, 0.5), (24, 0.5)]

# ---------------------------------------------------------------------------
# French helpers
# ---------------------------------------------------------------------------

VOWELS = "aeiouàâäéèêëîïôöùûüœæ"
H_MUET = ("huile", "herbe", "huître", "hydrat", "hôtel", "homme", "heure", "hiver", "histoire",
          "hôpital", "humid", "huit-")
NO_ELIDE = ("onze", "oui", "ouate", "yaourt")


def elides(word):
    w = word.lower()
    if not w or w[0].isdigit():
        return False
    if w.startswith(NO_ELIDE):
        return False
    if w[0] == "h":
        return w.startswith(H_MUET) and not w.startswith("huit")
    return w[0] in VOWELS


def toks(s, tag=None):
    return [[w, tag] for w in s.split()]


def fr_def_article(gender, plural, first_word):
    if plural:
        return [["les", "_det"]]
    if elides(first_word):
        return [["l'", "_det"]]
    return [["la" if gender == "f" else "le", "_det"]]


def fr_partitive(gender, plural, first_word):
    if plural:
        return [["des", "_det"]]
    if elides(first_word):
        return [["de", "_det"], ["l'", "_det"]]
    if gender == "f":
        return [["de", "_det"], ["la", "_det"]]
    return [["du", "_det"]]


def fr_demonstrative(gender, plural, first_word):
    if plural:
        return "ces"
    if gender == "f":
        return "cette"
    return "cet" if elides(first_word) else "ce"


def fr_possessive(gender, plural, first_word):
    if plural:
        return "mes"
    if gender == "f" and not elides(first_word):
        return "ma"
    return "mon"


def en_article(word):
    w = word.lower()
    if w.startswith(("usb", "uni", "eu", "one", "ure")):
        return "a"
    if w.startswith(("hdmi", "hour", "honest")):
        return "an"
    return "an" if w[0] in "aeiou" else "a"

# ---------------------------------------------------------------------------
# Generation context and slot generators
# ---------------------------------------------------------------------------

COUNTABLE_BY_GROUP = {
    lang: {g: [p for p in lst if p.sing] for g, lst in groups.items()}
    for lang, groups in PRODUCTS_BY_GROUP.items()
}
BRAND_PROB = {"add_to_list": 0.35, "buy": 0.45, "reorder": 0.5, "activate_offer": 0.6,
              "buy_for_me": 0.45, "out_of_scope": 0.1}


class Ctx:
    def __init__(self, rng, lang, intent):
        self.rng, self.lang, self.intent = rng, lang, intent
        self.oos = intent == "out_of_scope"
        self.allowed = ALL_SLOTS if self.oos else SLOTS_BY_INTENT[intent]
        self.slots = {}
        self.cat_filter = None   # categories allowed by an already chosen merchant
        self.prod_cat = None     # category of the chosen product
        self.n_items = 1         # items to speak under the verb (several_items)
        self.items = None        # their own slots once spoken

    def set(self, key, value):
        if self.oos:
            return
        if key in self.slots:
            raise ValueError("slot %s set twice in %s" % (key, self.intent))
        self.slots[key] = value

    def norm(self, s):
        return strip_accents(s) if self.lang == "en" else s


def pick_prod(ctx, countable=False):
    p = _pick_prod(ctx, countable)
    ctx.prod_cat = p.cat
    return p


def _pick_prod(ctx, countable=False):
    rng = ctx.rng
    if ctx.cat_filter:
        lst = [p for c in ctx.cat_filter for p in PRODUCTS_BY_CAT[ctx.lang].get(c, [])
               if p.sing or not countable]
        if lst:
            return rng.choice(lst)
    if ctx.intent in ("add_to_list", "buy") and rng.random() < 0.035:
        return rng.choice(EGGS[ctx.lang])
    w = POOL_WEIGHTS.get(ctx.intent, (60, 25, 15))
    g = wchoice(rng, [("grocery", w[0]), ("consumable", w[1]), ("durable", w[2])])
    src = COUNTABLE_BY_GROUP if countable else PRODUCTS_BY_GROUP
    lst = src[ctx.lang][g]
    if not lst:
        lst = src[ctx.lang]["durable"]
    return rng.choice(lst)


def pick_brand(ctx, p, prob=None):
    if "brand" not in ctx.allowed:
        return None
    if prob is None:
        prob = BRAND_PROB.get(ctx.intent, 0.2)
    if ctx.rng.random() >= prob:
        return None
    names = (p.name + " " + (p.sing or "")).lower()
    bl = [b for b in BRANDS_BY_CAT.get(p.cat, ())
          if b not in BRAND_HINT or any(h in names for h in BRAND_HINT[b])]
    if not bl:
        return None
    return ctx.norm(ctx.rng.choice(bl))


def item_toks(ctx, name):
    ctx.set("item", name)
    return toks(name, "item")


def brand_toks(ctx, b):
    ctx.set("brand", b)
    return toks(b, "brand")


def fr_brand_after(ctx, b):
    if b is None:
        return []
    pre = []
    r = ctx.rng.random()
    if r < 0.1:
        pre = [["de", None], ["marque", None]]
    elif r < 0.16:
        pre = [["de", None], ["la", None], ["marque", None]]
    return pre + brand_toks(ctx, b)


# ---- English item phrases ----

def en_unit_surface(ctx, p, u, q):
    surf = UNIT_EN[u]
    if u == "can" and p.cat in DRINK_CATS:
        surf = surf[:1]
    s, pl = ctx.rng.choice(surf)
    return s if q == 1 else pl


def en_unit_qty(ctx, u):
    rng = ctx.rng
    if u in ("g", "ml"):
        q = rng.choice(SMALL_MASS)
        return q, toks(en_num(rng, q, 0.3), "quantity")
    if u in ("kg", "l"):
        q = wchoice(rng, [(1, 5), (2, 4), (3, 2), (4, 1), (5, 1)])
    elif u == "dozen":
        q = wchoice(rng, [(2, 5), (3, 2), (4, 1)])
    else:
        q = wchoice(rng, [(1, 12)] + UNIT_COUNT_WEIGHTS)
    if q == 1:
        return 1, toks(wchoice(rng, [("a", 6), ("one", 3), ("1", 0.5)]), "quantity")
    if q == 2 and u != "dozen" and rng.random() < 0.12:
        return 2, toks("a couple", "quantity") + [["of", None]]
    return q, toks(en_num(rng, q), "quantity")


def en_count(ctx, p, specials=True):
    """Count without unit for a countable product: (q, quantity toks, item surface)."""
    rng = ctx.rng
    r = rng.random()
    if specials and p.cat in DOZENABLE and r < (0.45 if "dozen" in p.units else 0.15):
        if rng.random() < 0.6:
            return 12, toks("a dozen", "quantity"), p.name
        return 6, toks("half a dozen", "quantity"), p.name
    if specials and r < 0.24:
        t = toks("a couple", "quantity") + ([["of", None]] if rng.random() < 0.75 else [])
        return 2, t, p.name
    n = wchoice(rng, COUNT_WEIGHTS)
    return n, toks(en_num(rng, n), "quantity"), (p.sing if n == 1 else p.name)


def with_article(words_after, first_word):
    return [[en_article(first_word), None]] + words_after


def gen_IQ(ctx):
    """English item phrase with optional quantity / unit / brand (add, buy)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    out = []
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    r = rng.random()
    if q_ok and u_ok and p.units and r < 0.34:
        u = rng.choice(p.units)
        q, qt = en_unit_qty(ctx, u)
        out += qt + toks(en_unit_surface(ctx, p, u, q), "unit")
        if u != "dozen":
            out.append(["of", None])
        ctx.set("quantity", q)
        ctx.set("unit", u)
        name = p.name
    elif q_ok and p.sing and r < 0.68:
        q, qt, name = en_count(ctx, p)
        out += qt
        ctx.set("quantity", q)
    else:
        opts = [("", 45), ("some", 22), ("more", 4), ("the", 5)]
        if p.sing:
            opts += [("a_sing", 16), ("a few", 6)]
        det = wchoice(rng, opts)
        name = p.name
        if det == "a_sing":
            name = p.sing
            first = b.split()[0] if b else name.split()[0]
            out.append([en_article(first), None])
        elif det:
            out += toks(det)
    if b:
        out += brand_toks(ctx, b)
    out += item_toks(ctx, name)
    return out


def gen_IN(ctx, brand_prob=None):
    """Bare English item name (plural / mass form), optional brand."""
    p = pick_prod(ctx)
    b = pick_brand(ctx, p, brand_prob)
    out = brand_toks(ctx, b) if b else []
    return out + item_toks(ctx, p.name)


def gen_ID(ctx):
    det = ctx.rng.choice(["the", "the", ""])
    return toks(det) + gen_IN(ctx)


def gen_IR(ctx):
    det = wchoice(ctx.rng, [("the", 35), ("my", 30), ("", 35)])
    return toks(det) + gen_IN(ctx)


def gen_IO(ctx):
    return gen_IN(ctx, 0.4)


def en_is_plural(p, name):
    if p.sing:
        return name != p.sing
    return name.endswith("s") and not name.endswith(("ss", "us"))


def gen_ISH(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    name = p.name
    if p.sing and rng.random() < 0.5:
        name = p.sing
    plural = en_is_plural(p, name)
    det = rng.choice(["the", "these", "those"] if plural else ["the", "this", "that"])
    return [[det, None]] + item_toks(ctx, name)


def gen_IC(ctx):
    """buy_for_me item: demonstrative / count (no unit) / article, optional brand."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    out = []
    name = p.name
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        q, qt, name = en_count(ctx, p, specials=False)
        if q > 6:
            q = rng.choice([1, 2, 3])
            qt = toks(en_num(rng, q), "quantity")
            name = p.sing if q == 1 else p.name
        out += qt
        ctx.set("quantity", q)
    elif r < 0.58:
        if p.sing and rng.random() < 0.5:
            name = p.sing
        plural = en_is_plural(p, name)
        out.append([rng.choice(["these", "those"] if plural else ["this", "that"]), None])
    elif r < 0.72 and p.sing:
        name = p.sing
        out.append([en_article((b or name).split()[0]), None])
    elif r < 0.85:
        out.append(["some", None])
    else:
        out.append(["the", None])
    if b:
        out += brand_toks(ctx, b)
    return out + item_toks(ctx, name)


def gen_B(ctx):
    rng = ctx.rng
    for _ in range(10):
        p = pick_prod(ctx)
        if p.cat in BRANDS_BY_CAT:
            break
    b = ctx.norm(rng.choice(BRANDS_BY_CAT.get(p.cat, BRANDS_BY_CAT["dairy"])))
    return brand_toks(ctx, b)


# ---- French item phrases ----

def fr_unit_surface(ctx, p, u, q):
    surf = UNIT_FR[u]
    if u == "can":
        surf = surf[:1] if p.cat in DRINK_CATS else surf[1:]
    s, pl, g = ctx.rng.choice(surf)
    return (s if q == 1 else pl), g


def fr_qty_phrase(ctx, p):
    """Quantity phrase without leading article: 'deux litres de lait', 'trois pommes',
    'une douzaine d'oeufs'.  Returns (tokens, name) or None when not applicable."""
    rng = ctx.rng
    q_ok, u_ok = "quantity" in ctx.allowed, "unit" in ctx.allowed
    if not q_ok:
        return None
    if u_ok and p.units and (not p.sing or rng.random() < 0.5):
        u = rng.choice(p.units)
        if u in ("g", "ml"):
            q = rng.choice(SMALL_MASS)
        elif u in ("kg", "l"):
            q = wchoice(rng, [(1, 5), (2, 4), (3, 2), (4, 1), (5, 1)])
        elif u == "dozen":
            q = wchoice(rng, [(2, 5), (3, 2), (4, 1)])
        else:
            q = wchoice(rng, [(1, 12)] + UNIT_COUNT_WEIGHTS)
        usurf, ug = fr_unit_surface(ctx, p, u, q)
        qs = fr_num(rng, q, ug, 0.3 if u in ("g", "ml") else 0.65)
        ctx.set("quantity", q)
        ctx.set("unit", u)
        return toks(qs, "quantity") + toks(usurf, "unit") + [["de", None]], p.name
    if p.sing:
        r = rng.random()
        if p.cat in DOZENABLE and r < (0.45 if "dozen" in p.units else 0.15):
            if rng.random() < 0.6:
                ctx.set("quantity", 12)
                return toks("une douzaine", "quantity") + [["de", None]], p.name
            ctx.set("quantity", 6)
            return toks("une demi-douzaine", "quantity") + [["de", None]], p.name
        n = wchoice(rng, [x for x in COUNT_WEIGHTS if x[0] != 1])
        ctx.set("quantity", n)
        return toks(fr_num(rng, n, p.gender), "quantity"), p.name
    return None


def gen_FQ(ctx):
    """French partitive / quantity phrase with article (add, buy)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    out = []
    qp = fr_qty_phrase(ctx, p) if rng.random() < 0.6 else None
    if qp:
        out, name = qp
    else:
        name = p.name
        opts = [("part", 62), ("encore", 4)]
        if p.plural:
            opts.append(("quelques", 7))
        else:
            opts.append(("un peu", 5))
        if p.sing:
            opts.append(("indef", 18))
        det = wchoice(rng, opts)
        first = name.split()[0]
        if det == "part":
            out = fr_partitive(p.gender, p.plural, first)
        elif det == "encore":
            out = [["encore", None]] + fr_partitive(p.gender, p.plural, first)
        elif det == "quelques":
            out = [["quelques", None]]
        elif det == "un peu":
            out = [["un", None], ["peu", None], ["de", None]]
        else:
            name = p.sing
            out = [["une" if p.gender == "f" else "un", None]]
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FN(ctx):
    """French phrase to follow 'de': bare name or quantity phrase (besoin de ...)."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    qp = fr_qty_phrase(ctx, p) if rng.random() < 0.4 else None
    out, name = qp if qp else ([], p.name)
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FNB(ctx):
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    return item_toks(ctx, p.name) + fr_brand_after(ctx, b)


def gen_FD(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.3:
        name, plural = p.sing, False
    return fr_def_article(p.gender, plural, name.split()[0]) + item_toks(ctx, name) + \
        fr_brand_after(ctx, b)


def gen_FP(ctx):
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    name, plural = p.name, p.plural
    if p.sing and rng.random() < 0.4:
        name, plural = p.sing, False
    det = fr_possessive(p.gender, plural, name.split()[0])
    return [[det, None]] + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FQX(ctx):
    p = pick_prod(ctx)
    return fr_partitive(p.gender, p.plural, p.name.split()[0]) + item_toks(ctx, p.name)


def gen_FQC(ctx):
    """buy_for_me item: demonstrative / count / article, optional brand."""
    rng = ctx.rng
    p = pick_prod(ctx)
    b = pick_brand(ctx, p)
    r = rng.random()
    name, plural = p.name, p.plural
    if p.sing and r < 0.3 and "quantity" in ctx.allowed:
        n = wchoice(rng, [(2, 6), (3, 3), (4, 2), (5, 1), (6, 1), (10, 0.5)])
        ctx.set("quantity", n)
        out = toks(fr_num(rng, n, p.gender), "quantity")
    elif r < 0.62:
        if p.sing and rng.random() < 0.5:
            name, plural = p.sing, False
        out = [[fr_demonstrative(p.gender, plural, name.split()[0]), None]]
    elif r < 0.8 and p.sing:
        name = p.sing
        out = [["une" if p.gender == "f" else "un", None]]
    else:
        out = fr_partitive(p.gender, p.plural, name.split()[0]) if rng.random() < 0.6 else \
            fr_def_article(p.gender, p.plural, name.split()[0])
    return out + item_toks(ctx, name) + fr_brand_after(ctx, b)


def gen_FB(ctx):
    return gen_B(ctx)


# ---- lists, contacts, merchants, charities, amounts ----

def gen_L(ctx):
    rng = ctx.rng
    det = wchoice(rng, [("my", 6), ("the", 3), ("our", 1)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["list", None]]
        val = "shopping"
    elif r < 0.55:
        name = wchoice(rng, [("shopping", 3), ("grocery", 2)])
        out = [[det, None], [name, "list"], ["list", None]]
        val = "shopping"
    else:
        val = rng.choice(csv_items(EN_LISTS))
        out = [[det, None]] + toks(val, "list")
        if rng.random() < 0.08:
            out.append(["shopping", None])
        out.append(["list", None])
    ctx.set("list", val)
    return out


def gen_FL(ctx):
    rng = ctx.rng
    det = wchoice(rng, [("ma", 6), ("la", 4)])
    r = rng.random()
    if r < 0.28:
        out = [[det, None], ["liste", None]]
        val = "shopping"
    elif r < 0.55:
        out = [[det, None], ["liste", None], [rng.choice(["de", "de", "des"]), None],
               ["courses", "list"]]
        val = "shopping"
    else:
        val = rng.choice(csv_items(FR_LISTS))
        out = [[det, None], ["liste", None]]
        if rng.random() < 0.8:
            out.append(["de", None])
        out += toks(val, "list")
    ctx.set("list", val)
    return out


def gen_C(ctx):
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(csv_items(EN_NAMES))
        out = toks(val, "contact")
    elif r < 0.85:
        val = rng.choice(csv_items(EN_RELATIONS))
        out = [["my", None]] + toks(val, "contact")
    else:
        val = rng.choice(csv_items(EN_BARE_REL))
        out = toks(val, "contact")
    ctx.set("contact", val)
    return out


def gen_FC(ctx):
    rng = ctx.rng
    r = rng.random()
    if r < 0.45:
        val = rng.choice(csv_items(FR_NAMES))
        out = toks(val, "contact")
    elif r < 0.85:
        val, g = rng.choice(FR_REL)
        out = [[fr_possessive(g, False, val), None]] + toks(val, "contact")
    else:
        val = rng.choice(csv_items(FR_BARE_REL))
        out = toks(val, "contact")
    ctx.set("contact", val)
    return out


def _merchant(ctx, pool):
    if ctx.prod_cat:
        ok = [m for m in pool if m not in MERCHANT_CAT or ctx.prod_cat in MERCHANT_CAT[m]]
        pool = ok or pool
    m = ctx.rng.choice(pool)
    if ctx.prod_cat is None and m in MERCHANT_CAT:
        ctx.cat_filter = MERCHANT_CAT[m]
    val = ctx.norm(m)
    ctx.set("merchant", val)
    return toks(val, "merchant")


def gen_M(ctx):
    return _merchant(ctx, MERCHANT_LIST)


def gen_MR(ctx):
    return _merchant(ctx, RETAILER_LIST)


gen_FM = gen_M
gen_FMR = gen_MR


def gen_CH(ctx):
    name, art = ctx.rng.choice(CHARITY["en"])
    out = [] if art == "-" else [[art, None]]
    ctx.set("charity", name)
    return out + toks(name, "charity")


def gen_FCH(ctx):
    name, art = ctx.rng.choice(CHARITY["fr"])
    out = []
    if art == "les":
        out = [["les", "_det"]]
    elif art in ("le", "la"):
        out = [["l'" if elides(name) else art, "_det"]]
    ctx.set("charity", name)
    return out + toks(name, "charity")


AMOUNTS = [(1, 2), (2, 3), (3, 3), (5, 12), (10, 14), (15, 5), (20, 12), (25, 7), (30, 4),
           (40, 2), (50, 8), (75, 1), (100, 5), (150, 1), (200, 2), (250, 1), (500, 1),
           (12, 1), (7, 1), (4, 1), (8, 1)]
EN_CUR = [(("dollars", "dollar"), "USD", 35), (("bucks", "buck"), "USD", 10),
          (("euros", "euro"), "EUR", 20), (("pounds", "pound"), "GBP", 12),
          (("quid", "quid"), "GBP", 5), (None, None, 18)]
FR_CUR = [(("euros", "euro"), "EUR", 70), (("dollars", "dollar"), "USD", 10),
          (("livres sterling", "livre sterling"), "GBP", 3), (("livres", "livre"), "GBP", 3),
          (None, None, 14)]


def gen_AMT(ctx):
    rng = ctx.rng
    n = wchoice(rng, AMOUNTS)
    cur = wchoice(rng, [((c[0], c[1]), c[2]) for c in EN_CUR])
    s = en_num(rng, n, 0.55)
    if n == 1 and s == "one" and rng.random() < 0.4:
        s = "a"
    out = toks(s, "amount")
    ctx.set("amount", n)
    if cur[0]:
        out += toks(cur[0][1] if n == 1 else cur[0][0], "currency")
        ctx.set("currency", cur[1])
    return out


def gen_AMTADJ(ctx):
    """'a five dollar' (followed by 'donation' in the template)."""
    rng = ctx.rng
    n = wchoice(rng, [(5, 5), (10, 5), (20, 4), (25, 2), (50, 2), (15, 1), (100, 1), (2, 1),
                      (8, 0.5), (11, 0.3)])
    cur = wchoice(rng, [(("dollar", "USD"), 5), (("euro", "EUR"), 2), (("pound", "GBP"), 2)])
    s = DOMAIN.spoken["en"][n][0]
    ctx.set("amount", n)
    ctx.set("currency", cur[1])
    return [[en_article(s), None]] + toks(s, "amount") + toks(cur[0], "currency")


def gen_FAMT(ctx):
    rng = ctx.rng
    n = wchoice(rng, AMOUNTS)
    cur = wchoice(rng, [((c[0], c[1]), c[2]) for c in FR_CUR])
    out = toks(fr_num(rng, n, "m", 0.55), "amount")
    ctx.set("amount", n)
    if cur[0]:
        out += toks(cur[0][1] if n == 1 else cur[0][0], "currency")
        ctx.set("currency", cur[1])
    return out

# ---------------------------------------------------------------------------
# Templates.  Syntax: (a|b|c) alternatives, [x] optional (50%), {NAME} slot generator.
# ---------------------------------------------------------------------------

TEMPLATES = {}

TEMPLATES["add_to_list"] = {
    "en": [
        "add {IQ}",
        "add {IQ} to {L}",
        "(put|stick|throw|pop) {IQ} on {L}",
        "(can|could) you (add|put) {IQ} (to|on) {L}",
        "(can|could) you add {IQ}",
        "would you add {IQ} to {L}",
        "please add {IQ} to {L}",
        "i need {IQ}",
        "we need {IQ}",
        "(we're|we are|i'm) out of {IN}",
        "we('re| are) (running|almost) out of {IN}",
        "we('re| are) (low|running low|getting low) on {IN}",
        "we (ran|have run|just ran) out of {IN}",
        "there's no (more|) {IN} (left|in the fridge|)",
        "we don't have any {IN} (left|anymore)",
        "i('d| would) like to add {IQ} to {L}",
        "i want to add {IQ} to {L}",
        "(also|and) add {IQ}",
        "add to {L} {IQ}",
        "{L} add {IQ}",
        "(write|jot|note) down {IQ}",
        "(write|note) {IQ} (on|in) {L}",
        "(include|put) {IQ} in {L}",
        "don't let me forget {ID}",
        "make sure (to|you) add {IQ} to {L}",
        "remember to add {IQ} [to {L}]",
        "let's add {IQ} [to {L}]",
        "we should (get|pick up) {IQ}",
        "i('m going to| will) need {IQ}",
        "{IQ} (goes|needs to go) on {L}",
        "can we add {IQ} to {L}",
        "put down {IQ} [on {L}]",
        "i want {IQ} on {L}",
        "we've got no {IN} left",
        "add {IQ} to {L} (for this weekend|for tomorrow|when you get a chance)",
        "go ahead and add {IQ} [to {L}]",
        "add {IQ} [to {L}] for me",
    ],
    "fr": [
        "ajoute {FQ}",
        "ajoute {FQ} (à|sur|dans) {FL}",
        "rajoute {FQ} [(à|sur) {FL}]",
        "mets {FQ} (sur|dans) {FL}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais|pourrais-tu|est-ce que tu pourrais) "
        "(ajouter|mettre|rajouter) {FQ} (sur|dans) {FL}",
        "(tu peux|peux-tu|est-ce que tu peux) (m'ajouter|ajouter|noter) {FQ}",
        "(il n'y a|il y a|y a) plus de {FNB}",
        "(on n'a|on a|j'ai|nous n'avons) plus de {FNB}",
        "on (n'a|a) plus du tout de {FNB}",
        "(j'ai|on a|nous avons) besoin de {FN}",
        "il (nous|me) faut {FQ}",
        "il faudrait {FQ}",
        "(note|inscris|écris) {FQ} (sur|dans) {FL}",
        "(note|inscris) {FQ}",
        "(je voudrais|j'aimerais|je veux) ajouter {FQ} (à|sur) {FL}",
        "pense à (ajouter|prendre|noter) {FQ}",
        "n'oublie pas {FD}",
        "on (est|sera) à court de {FNB}",
        "(on|je) manque de {FNB}",
        "il manque {FQ}",
        "ajoute-moi {FQ} [sur {FL}]",
        "mets-moi {FQ} (sur|dans) {FL}",
        "(rajoute|ajoute|mets) aussi {FQ} [sur {FL}]",
        "ajoute à {FL} {FQ}",
        "sur {FL} (mets|ajoute|note) {FQ}",
        "je veux {FQ} sur {FL}",
        "ajouter {FQ} (à|sur) {FL}",
        "on va avoir besoin de {FN}",
        "fais-moi penser à prendre {FQ}",
        "ajoute {FQ} (à|sur) {FL} (pour demain|pour ce week-end)",
        "est-ce qu'on peut ajouter {FQ} (à|sur) {FL}",
        "il reste plus de {FNB}",
        "vas-y ajoute {FQ} [sur {FL}]",
        "ajoute-moi ça {FQ}",
    ],
}

TEMPLATES["remove_from_list"] = {
    "en": [
        "remove {ID} (from|off) {L}",
        "remove {ID}",
        "take {ID} off {L}",
        "take off {ID} [from {L}]",
        "delete {ID} (from|off) {L}",
        "delete {ID}",
        "(cross|scratch|check) {ID} off {L}",
        "(cross|scratch|check) off {ID}",
        "(can|could) you (remove|delete) {ID} from {L}",
        "(can|could) you take {ID} off {L}",
        "i don't need {ID} anymore",
        "we don't need {ID} (anymore|after all)",
        "(i|we) already (have|got|bought) {ID} (so|) (take it off|remove it|cross it off) [the list]",
        "(erase|drop|strike) {ID} from {L}",
        "get rid of {ID} (on|from) {L}",
        "{ID} can come off {L}",
        "please remove {ID} from {L}",
        "no more {IN} on {L}",
        "i('d| would) like to remove {ID} from {L}",
        "i want to take {ID} off {L}",
        "take {ID} out of {L}",
        "{L} remove {ID}",
        "mark {ID} as (done|bought) [on {L}]",
        "we've got enough {IN} (remove|take) it (from|off) {L}",
        "i changed my mind about {ID} (take it off|remove it) [the list]",
        "pull {ID} off {L}",
        "remove the item {IN} from {L}",
        "you can (remove|delete) {ID} [from {L}]",
        "{ID} (isn't|is not) needed anymore",
    ],
    "fr": [
        "(enlève|retire|supprime|efface|raye|ôte|vire) {FD} de {FL}",
        "(enlève|retire|supprime|efface) {FD}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) (enlever|retirer|supprimer|effacer|rayer) {FD} [de {FL}]",
        "(j'ai|on a|on n'a) plus besoin de {FNB}",
        "(je n'ai|nous n'avons) plus besoin de {FNB} [sur {FL}]",
        "pas besoin de {FNB} finalement",
        "finalement pas de {FNB}",
        "(j'ai|on a) déjà (acheté|pris) {FD} tu peux (l'enlever|l'effacer|l'enlever de la liste)",
        "je ne veux plus {FD} sur {FL}",
        "(enlève|retire)-moi {FD} de {FL}",
        "sors {FD} de {FL}",
        "supprimer {FD} de {FL}",
        "(barre|raye|coche) {FD} [sur {FL}]",
        "on a (assez|suffisamment) de {FNB} (enlève|retire) ça de la liste",
        "(je voudrais|j'aimerais|je veux) (enlever|retirer|supprimer) {FD} de {FL}",
        "plus besoin de {FNB} sur {FL}",
        "pour {FD} c'est bon tu peux l'enlever",
        "sur {FL} (enlève|retire|efface) {FD}",
        "retirer {FD} de {FL}",
        "efface {FD} de {FL} [s'il te plaît]",
        "on n'a plus besoin de {FNB} (enlève|retire)-le de la liste",
        "(vire|dégage) {FD} de {FL}",
        "enlève l'article {FNB} de {FL}",
        "(tu peux|est-ce que tu peux) me retirer {FD} de {FL}",
        "{FD} on en a plus besoin (enlève|retire) ça",
        "ne garde pas {FD} sur {FL}",
        "(annule|oublie) {FD} sur {FL}",
    ],
}

TEMPLATES["read_list"] = {
    "en": [
        "what's on {L}",
        "what is on {L}",
        "what's (on|in) {L} (right now|today)",
        "read (me|out) {L}",
        "read {L}",
        "(can|could) you read (me|) {L}",
        "tell me what's on {L}",
        "(can|could) you tell me what's on {L}",
        "what do (i|we) have on {L}",
        "what do we need [from the store|today|this week]",
        "what's left on {L}",
        "what else is on {L}",
        "go (through|over) {L}",
        "list (the items|everything|what's) on {L}",
        "what items are (on|in) {L}",
        "(open|show me|show) {L}",
        "what did (i|we) (put|add) (on|to) {L}",
        "check {L}",
        "(do|did) (i|we) have anything on {L}",
        "how many (items|things) are on {L}",
        "is there anything (on|in) {L}",
        "what do (i|we) still need to (get|pick up)",
        "remind me what's on {L}",
        "what have (i|we) added to {L}",
        "give me {L}",
        "(run|walk) me through {L}",
        "what's in {L}",
        "(let me|let's) hear {L}",
        "i('d| would) like to hear {L}",
        "read {L} (to me|out loud)",
        "what was on {L} again",
        # which lists there are (SLURP: "what lists do i have")
        "what lists do (i|we) have",
        "(show|tell|give) me (my|all my|all the) lists",
        "(name|list) (all|) (my|the) lists",
        "what are (my|all my|all the) lists",
        "which lists do (i|we) have",
        "read (me|) (my|all my) lists",
    ],
    "fr": [
        "qu'est-ce qu'il y a (sur|dans) {FL}",
        "il y a quoi (sur|dans) {FL}",
        "y a quoi (sur|dans) {FL}",
        "(lis|lis-moi|relis|relis-moi) {FL}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) (me lire|lire|relire) {FL}",
        "qu'est-ce que j'ai (sur|dans) {FL}",
        "qu'est-ce qu'on a (sur|dans) {FL}",
        "dis-moi ce qu'il y a (sur|dans) {FL}",
        "qu'est-ce qui reste (sur|dans) {FL}",
        "qu'est-ce (qu'on doit|qu'il faut) acheter",
        "qu'est-ce qu'il nous faut",
        "(montre-moi|affiche|ouvre) {FL}",
        "rappelle-moi ce qu'il y a sur {FL}",
        "combien (d'articles|de produits|de choses) (sur|dans) {FL}",
        "qu'est-ce que j'ai (mis|ajouté|noté) sur {FL}",
        "donne-moi {FL}",
        "récapitule {FL}",
        "c'est quoi le contenu de {FL}",
        "énumère (les articles de|ce qu'il y a sur) {FL}",
        "fais-moi la lecture de {FL}",
        "j'aimerais (entendre|écouter) {FL}",
        "(je veux|je voudrais) savoir ce qu'il y a sur {FL}",
        "qu'est-ce qui est noté sur {FL}",
        "il reste quoi sur {FL}",
        "est-ce qu'il y a (quelque chose|des choses) sur {FL}",
        "on a besoin de quoi",
        "je dois acheter quoi",
        "c'était quoi déjà sur {FL}",
        "lis-moi ce qu'il y a (sur|dans) {FL}",
        "quelles listes (j'ai|est-ce que j'ai|on a)",
        "(montre-moi|donne-moi|lis-moi) (mes|toutes mes) listes",
        "c'est quoi mes listes",
    ],
}

TEMPLATES["clear_list"] = {
    "en": [
        "(clear|empty|wipe|erase|reset) {L}",
        "(clear|wipe|empty) out {L}",
        "(delete|remove) (everything|all items|all the items) (on|from) {L}",
        "(can|could) you (clear|empty) {L}",
        "get rid of everything on {L}",
        "take everything off {L}",
        "start {L} over",
        "start over with {L}",
        "(delete|remove) all (the|) items in {L}",
        "make {L} empty",
        "i want to (clear|empty) {L}",
        "i('d| would) like to clear {L}",
        "clear {L} (completely|entirely)",
        "we bought everything (so|) (clear|empty) {L}",
        "(we|i) got everything you can clear {L}",
        "erase (everything|all) on {L}",
        "(scrap|wipe) everything on {L}",
        "clear all (items|the items) from {L}",
        "delete the contents of {L}",
        "clear (everything|it all)",
        "remove everything from {L}",
        "reset {L} to empty",
        "can you wipe {L} clean",
        "(clear|empty) {L} now",
        "throw out everything on {L}",
        "i need a fresh start on {L} clear it",
        "clear out everything (on|in) {L}",
        # the whole list goes (SLURP: "trash my list", "delete list for groceries")
        "(delete|remove|trash|cancel|scrap|discard) {L}",
        "get rid of {L}",
        "throw (away|out) {L}",
        "(delete|remove|trash) {L} (completely|for good|altogether)",
        "i (don't|do not) (need|want) {L} any more",
        "(can|could) you (delete|remove|trash|cancel) {L}",
        "(delete|remove) (the|that) whole list",
    ],
    "fr": [
        "(vide|efface|réinitialise|nettoie) {FL}",
        "(efface|supprime|enlève|retire|vire) tout (de|sur) {FL}",
        "supprime (tous les articles|tous les éléments|tout le contenu) de {FL}",
        "(remets|mets) {FL} à zéro",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) (vider|effacer|réinitialiser) {FL}",
        "(je veux|je voudrais|j'aimerais) vider {FL}",
        "vider {FL}",
        "vide-moi {FL}",
        "fais le ménage dans {FL}",
        "on repart de zéro (sur|avec) {FL}",
        "efface tout",
        "vide tout",
        "(j'ai|on a) tout (acheté|pris) (tu peux vider|vide) {FL}",
        "raye tout sur {FL}",
        "retire tous les articles de {FL}",
        "supprime le contenu de {FL}",
        "remise à zéro de {FL}",
        "(efface|supprime|vide) toute {FL}",
        "enlève tout ce qu'il y a sur {FL}",
        "fais table rase de {FL}",
        "nettoie complètement {FL}",
        "est-ce que tu peux tout effacer sur {FL}",
        "tout effacer sur {FL}",
        "vide entièrement {FL}",
        "je veux repartir avec une liste vide",
        "débarrasse-moi de tout ce qu'il y a sur {FL}",
        "(supprime|efface|jette|annule) {FL}",
        "je n'ai plus besoin de {FL}",
        "(tu peux|peux-tu) (supprimer|jeter) {FL}",
        "supprime (complètement|définitivement) {FL}",
    ],
}

TEMPLATES["buy"] = {
    "en": [
        "(buy|order|purchase) {IQ}",
        "(buy|order) {IQ} (from|on|at) {MR}",
        "(can|could) you (order|buy) {IQ}",
        "(can|could) you (order|buy) {IQ} (from|on) {MR}",
        "(i want|i'd like|i would like) to (buy|order|purchase) {IQ}",
        "(get|order|buy) me {IQ}",
        "place an order for {IQ}",
        "put in an order for {IQ}",
        "i need you to (order|buy) {IQ}",
        "please order {IQ}",
        "can i get {IQ} delivered",
        "have {IQ} delivered (today|tomorrow)",
        "(order|buy) {IQ} (now|right now|today)",
        "(order|buy) {IQ} for delivery (today|tomorrow)",
        "let's (order|buy) {IQ}",
        "go ahead and (order|buy) {IQ}",
        "(buy|order) (it|that|this) [now]",
        "(buy|order) (it|that) (from|on) {MR}",
        "i want to purchase {IQ} (from|on) {MR}",
        "(order|buy) {IQ} with (one click|my default card|my saved card)",
        "ship me {IQ}",
        "can you get {IQ} from {MR}",
        "i('ll| will) take {IQ}",
        "purchase {IQ} now",
        "i need to order {IQ}",
        "add {IQ} to my cart and check out",
        "order {IQ} (from|on) {MR} (please|now)",
        "i want {IQ} delivered (tomorrow|tonight)",
        "make an order of {IQ}",
        "send me {IQ} from {MR}",
    ],
    "fr": [
        "(achète|commande) {FQ}",
        "(achète-moi|commande-moi) {FQ}",
        "(achète|commande) {FQ} (chez|sur) {FMR}",
        "(je veux|je voudrais|j'aimerais) (acheter|commander) {FQ}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) (m'acheter|me commander|commander|acheter) {FQ}",
        "passe (une|) commande de {FN}",
        "fais-moi livrer {FQ}",
        "(je veux|je voudrais) me faire livrer {FQ}",
        "commander {FQ}",
        "acheter {FQ} (chez|sur) {FMR}",
        "fais une commande de {FN} (chez|sur) {FMR}",
        "(achète-le|achète-la|achète-les|achète ça|commande-le|commande-la|commande ça)",
        "(je veux|je voudrais) commander {FQ} tout de suite",
        "commande {FQ} (maintenant|tout de suite|aujourd'hui)",
        "vas-y commande {FQ}",
        "il faut commander {FQ}",
        "(achète|commande) {FQ} (pour demain|en livraison express|avec livraison demain)",
        "j'ai besoin que tu commandes {FQ}",
        "mets {FQ} dans mon panier et passe la commande",
        "(est-ce que je peux|je peux) (commander|acheter) {FQ}",
        "je prends {FQ}",
        "fais l'achat de {FN}",
        "commande-moi {FQ} chez {FMR}",
        "je voudrais passer commande de {FN}",
        "je veux que tu achètes {FQ}",
        "peux-tu me faire livrer {FQ}",
        "(achète|commande) ça (chez|sur) {FMR}",
        "fais-moi livrer {FQ} par {FMR}",
    ],
}

TEMPLATES["reorder"] = {
    "en": [
        "reorder {IR}",
        "(order|buy|get) {IR} again",
        "(can|could) you reorder {IR}",
        "(can|could) you (order|buy|get) {IR} again",
        "(i want|i'd like|i would like) to reorder {IR}",
        "(order|buy|get) the same {IN} (again|as last time)",
        "same {IN} as last time",
        "(repeat|redo) my last order",
        "reorder (my last order|what i (got|bought|ordered) last (week|time|month))",
        "(rebuy|restock) {IR}",
        "(order|get) my usual {IN}",
        "(the|my) usual {IN} (please|again)",
        "(reorder|order) (it|that) again",
        "(buy|get) that again",
        "(order|get) {IR} like last time",
        "(i'm|we're) out of {IN} (please|) reorder (it|them)",
        "(time to|let's) reorder {IR}",
        "put in the same order for {IN} again",
        "i need more of the {IN} i (bought|ordered) last time",
        "buy again {IR}",
        "get me {IR} again",
        "(order|buy) more of (my|the) usual {IN}",
        "refill my {IN} order",
        "reorder my {IN}",
        "can you repeat my (last|previous) {IN} order",
        "i('d| would) like the same {IN} i got last time",
        "reorder {IR} from my (past|previous) orders",
    ],
    "fr": [
        "(recommande|rachète) {FD}",
        "(recommande-moi|rachète-moi) {FD}",
        "(commande|achète) (à nouveau|de nouveau|encore une fois) {FD}",
        "(commande|achète) {FD} (à nouveau|de nouveau|encore une fois)",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) (recommander|racheter|me recommander|me racheter) {FD}",
        "(je veux|je voudrais|j'aimerais) (racheter|recommander) {FD}",
        "refais ma dernière commande",
        "(renouvelle|relance|répète) ma (dernière |)commande de {FNB}",
        "refais ma commande de {FNB}",
        "(commande|reprends) la même chose que la dernière fois",
        "(recommande|rachète) {FD} comme la dernière fois",
        "(recommande|rachète) {FP}",
        "comme d'habitude (recommande|rachète) {FD}",
        "(recommande-le|recommande-la|recommande-les|rachète-le|rachète-les|rachète ça|recommande ça|rachète-en)",
        "on n'a plus de {FNB} (rachète-en|recommande-en)",
        "refais la même commande de {FNB}",
        "reprends {FD} comme d'habitude",
        "(racheter|recommander) {FD}",
        "commande encore {FD}",
        "réapprovisionne {FD}",
        "recommande {FD} de la dernière fois",
        "remets en commande {FD}",
        "(je veux|je voudrais) la même commande de {FNB} que la dernière fois",
        "(recommande|rachète) {FP} comme d'habitude",
        "il faut racheter {FD} comme la dernière fois",
        "refais-moi une commande de {FNB} comme d'habitude",
    ],
}

TEMPLATES["track_order"] = {
    "en": [
        "(where is|where's) my (order|package|delivery|parcel)",
        "where's my {IN} order",
        "where is (my|the) order (of|for|with) {ID}",
        "where are the {IN} i ordered",
        "when (will|does) my {IN} order arrive",
        "when will my {IN} (arrive|get here|be delivered)",
        "when is my (order|package|delivery) (arriving|coming|getting here)",
        "(track|trace) my (order|package|delivery)",
        "(track|trace) my {IN} (order|delivery|package)",
        "(can|could) you track my {IN} [order]",
        "has my {IN} order shipped [yet]",
        "(did my order ship|has my order shipped|has my order been delivered)",
        "what's the status of my (order|{IN} order)",
        "status of my {IN} order",
        "is my {IN} order out for delivery",
        "when am i getting my {IN}",
        "how long until my {IN} (arrives|gets here)",
        "when (should|can) i expect my {IN}",
        "any (updates|news) on my {IN} order",
        "(give me|i need) (the|) tracking (info|information) for my {IN} order",
        "is my order of {IN} on its way",
        "(could|can) you check on my {IN} order",
        "when's my (delivery|package|order) (coming|arriving|due)",
        "what's the delivery date for (my|the) {IN}",
        "did the {IN} i ordered ship [yet]",
        "has the {IN} i ordered been (shipped|delivered|dispatched)",
        "i('m| am) waiting for my {IN} order where is it",
        "tell me when my {IN} (will arrive|is coming)",
        "(order|package) status",
        "track my (latest|last|recent) order",
    ],
    "fr": [
        "où (est|en est) ma commande",
        "(où est|où en est) ma commande de {FNB}",
        "où en est (mon colis|ma livraison)",
        "(il est où|c'est où) mon colis",
        "quand est-ce que ma commande [de {FNB}] (arrive|sera livrée)",
        "quand arrive ma commande de {FNB}",
        "quand (arrive|arrivera) mon colis",
        "quand est-ce que je vais recevoir {FP}",
        "quand vais-je recevoir {FP}",
        "suis ma commande [de {FNB}]",
        "(suivi|état|statut) de ma commande [de {FNB}]",
        "est-ce que ma commande de {FNB} (est partie|a été expédiée|est en route)",
        "ma commande de {FNB} (arrive|sera livrée) quand",
        "elle arrive quand ma commande [de {FNB}]",
        "(où en est|c'est quand) la livraison de {FP}",
        "des nouvelles de ma commande [de {FNB}]",
        "(tu peux|peux-tu|est-ce que tu peux) suivre ma commande [de {FNB}]",
        "(est-ce que tu peux|tu peux) me dire où est ma commande [de {FNB}]",
        "quelle est la date de livraison de {FP}",
        "j'attends {FP} (c'est|ça arrive) quand",
        "(mon colis|ma commande) avec {FD} (est où|arrive quand)",
        "(je voudrais|j'aimerais) suivre ma commande de {FNB}",
        "ma commande de {FNB} (est où|en est où)",
        "dis-moi quand (arrive|sera livrée) ma commande de {FNB}",
        "ça en est où ma commande [de {FNB}]",
        "la livraison de ma commande de {FNB} c'est pour quand",
        "suivre (mon colis|ma commande)",
        "quand est-ce qu'on (reçoit|va recevoir) {FP}",
        # the product as subject ("est-ce que mon casque a été expédié")
        "quand (arrive|arrivera) {FP}",
        "est-ce que {FP} (a été expédié|a été envoyé|est en route|est parti|est déjà parti)",
        "(suis|suivre) la livraison de {FP}",
        "c'est pour quand {FP} que j'ai commandé",
        "(où en est|où est) {FP} que j'ai commandé",
        "{FP} (a été expédié|est en route) ou pas",
    ],
}

TEMPLATES["cancel_order"] = {
    "en": [
        "cancel my (order|last order|latest order|recent order)",
        "cancel my {IN} order",
        "cancel the (order|purchase) (for|of) {ID}",
        "cancel the {IN} (i ordered|i just ordered|order)",
        "(i want|i'd like|i would like) to cancel (my|the) order (for|of) {ID}",
        "(i want|i'd like) to cancel my {IN} order",
        "(can|could) you cancel my (order|{IN} order)",
        "please cancel the {IN} order",
        "(stop|halt) the order (for|of) {ID}",
        "cancel my purchase of {ID}",
        "i don't want the {IN} anymore cancel (the order|it)",
        "call off the {IN} order",
        "cancel that order",
        "cancel (the|my) {IN} purchase",
        "i('d| would) like to cancel the {IN}",
        "(cancel order|cancel the order)",
        "i changed my mind about the {IN} (cancel it|cancel the order)",
        "i ordered {IN} by mistake (cancel it|please cancel)",
        "undo my [last] order (of|for) {ID}",
        "(don't|do not) (send|ship) (me|) the {IN} cancel the order",
        "i no longer want the {IN} i ordered",
        "scrap my {IN} order",
        "(cancel|void) my order from (yesterday|today|last week|this morning)",
        "withdraw my order for {ID}",
        "get rid of my {IN} order",
        "cancel everything i ordered (today|yesterday)",
        "i need to cancel (an|my) order",
    ],
    "fr": [
        "annule ma (commande|dernière commande)",
        "annule (ma|la) commande de {FNB}",
        "annule l'achat de {FNB}",
        "(je veux|je voudrais|j'aimerais) annuler (ma|la) commande [de {FNB}]",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) annuler ma commande [de {FNB}]",
        "(est-ce que tu peux|tu peux) annuler ma dernière commande",
        "annuler la commande [de {FNB}]",
        "finalement je ne veux plus {FD} annule la commande",
        "j'ai commandé {FQX} par erreur (annule|annule-la|annule la commande)",
        "(stoppe|arrête|supprime|bloque) (ma|la) commande de {FNB}",
        "annule-moi la commande de {FNB}",
        "je ne veux plus de ma commande de {FNB}",
        "laisse tomber la commande de {FNB}",
        "annule la commande",
        "annule la commande (passée|faite) (hier|ce matin|tout à l'heure)",
        "je veux plus {FD} annule la commande",
        "(annule|supprime) ma commande en cours",
        "il faut annuler ma commande de {FNB}",
        "je me suis trompé annule la commande de {FNB}",
        "ne m'envoie pas {FD} annule la commande",
        "annulation de ma commande [de {FNB}]",
        "je renonce à ma commande de {FNB}",
        "j'ai changé d'avis pour {FD} annule la commande",
        "peux-tu annuler l'achat de {FNB}",
        "annule tout ce que j'ai commandé (aujourd'hui|hier)",
        "annule la livraison de {FP}",
    ],
}

TEMPLATES["activate_offer"] = {
    "en": [
        "clip the (coupon|digital coupon) for {IO}",
        "(activate|clip|apply|load|redeem|claim|enable) the (coupon|offer|deal|discount|promo|promotion|cashback offer) (for|on) {IO}",
        "(activate|clip|claim|grab) the {B} (coupon|offer|deal|discount|cashback)",
        "(activate|turn on) cashback (for|on) {IO}",
        "(can|could) you (activate|clip) the (coupon|offer) (for|on) {IO}",
        "(i want|i'd like) (the|to activate the|to clip the) (deal|offer|coupon) (on|for) {IO}",
        "add the {B} (offer|coupon) to my account",
        "save the coupon for {IO}",
        "(use|apply) the discount (on|for) {IO}",
        "get the cashback [offer] (on|for) {IO}",
        "(activate|clip) (this|that) (coupon|offer|deal)",
        "clip all (the|) coupons for {IO}",
        "(activate|clip) the {IO} (coupon|deal|offer)",
        "is there a coupon for {IO} (clip it|activate it)",
        "turn on the {B} (cashback|offer)",
        "i('d| would) like to (activate|use) the {B} (offer|coupon)",
        "could you activate the {B} cashback offer",
        "sign me up for the (offer|deal|cashback) on {IO}",
        "apply the {B} coupon",
        "unlock the (deal|offer) (on|for) {IO}",
        "take the (offer|deal) on {IO}",
        "i want to save on {IO} (activate|clip) the (coupon|offer)",
        "(redeem|use) my {B} coupon",
        "activate (the|any) (offers|coupons) for {IO}",
        "(clip|activate) {B} coupons",
        "load the {B} deal onto my card",
        "please activate the cashback on {IO}",
    ],
    "fr": [
        "active (l'offre|la promo|la promotion|la réduction|le coupon|le bon de réduction|le cashback|l'offre de remboursement) (sur|pour) {FD}",
        "active (l'offre|la promo|le coupon|la réduction|le cashback) {FB}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) activer (l'offre|le coupon|la promo) (sur|pour) {FD}",
        "(je veux|je voudrais|j'aimerais) (profiter de|activer) (l'offre|la promo|la réduction) (sur|pour) {FD}",
        "(utilise|applique) (le coupon|la réduction|le bon) (pour|sur) {FD}",
        "ajoute le coupon {FB} à mon compte",
        "(prends|récupère|enregistre) le bon de réduction (pour|sur) {FD}",
        "(prends|récupère|enregistre) le bon de réduction {FB}",
        "profite de la promo {FB}",
        "active (cette offre|ce coupon|cette promo)",
        "active tous les coupons (pour|sur) {FD}",
        "active tous les coupons {FB}",
        "valide l'offre (sur|pour) {FD}",
        "débloque (la promo|l'offre) (sur|pour) {FD}",
        "active l'offre de cashback (sur|pour) {FD}",
        "active le remboursement sur {FD}",
        "je veux le cashback sur {FD}",
        "il y a une promo sur {FD} active-la",
        "mets (l'offre|le coupon) {FB} sur ma carte",
        "charge le coupon (pour|sur) {FD} sur ma carte [de fidélité]",
        "fais-moi profiter de la réduction sur {FD}",
        "active la réduction sur {FD}",
        "(j'aimerais|je voudrais) (le bon|l'offre) {FB}",
        "active l'offre (spéciale|du moment) sur {FD}",
        "est-ce que tu peux activer la promo {FB}",
        "active l'offre cashback {FB}",
    ],
}

TEMPLATES["check_savings"] = {
    "en": [
        "how much (have i|did i|did we|have we) saved",
        "how much (did i|have i) saved (this month|this year|last month|this week|so far|on my last order|with coupons|with cashback)",
        "what are my (savings|total savings)",
        "(show|tell) me my savings",
        "how much cashback (do i have|have i earned|did i get)",
        "what's my (cashback|rewards) balance",
        "what (deals|offers|coupons|discounts) (apply to|are there for|are available for|can i use on) {L}",
        "are there any (deals|offers|coupons|discounts) (for|on) {L}",
        "any (coupons|deals) for {L}",
        "what can i save on {L}",
        "how much money (have i saved|did i save) [with coupons|with offers|using deals]",
        "how much did (the|my) coupons save me",
        "what's my total savings [this year|so far]",
        "check my savings",
        "which items (on|in) {L} are on sale",
        "what's on sale from {L}",
        "find [me] deals for {L}",
        "(could|can) you check my savings",
        "have i saved any money (this week|this month|lately)",
        "what discounts can i get on {L}",
        "how much have i earned in cashback",
        "is anything on {L} (on sale|discounted)",
        "how much am i saving (with|on) {L}",
        "what's the total (discount|savings) on {L}",
        "(give me|read me) my savings (summary|report)",
        "how much did i save (on my last order|last time|overall)",
    ],
    "fr": [
        "combien (j'ai|est-ce que j'ai|on a|avons-nous) économisé",
        "combien (j'ai|est-ce que j'ai) économisé (ce mois-ci|cette année|le mois dernier|cette semaine|jusqu'ici|avec les coupons|avec le cashback|sur ma dernière commande)",
        "(quelles sont|c'est quoi) mes économies",
        "(montre-moi|dis-moi) mes économies",
        "combien de cashback (j'ai|j'ai gagné|j'ai cumulé)",
        "c'est quoi mon solde (de cashback|de remboursement|de fidélité)",
        "(quelles|est-ce qu'il y a des) (promos|réductions|offres) (pour|sur) {FL}",
        "y a-t-il des (promos|réductions|offres) (pour|sur) {FL}",
        "quelles offres s'appliquent à {FL}",
        "qu'est-ce qui est en promo (sur|dans) {FL}",
        "j'ai économisé combien [ce mois-ci|cette année]",
        "combien m'ont rapporté les (coupons|bons de réduction|offres)",
        "(vérifie|regarde) mes économies",
        "quels articles de {FL} sont en (promo|promotion|réduction)",
        "trouve (des bons plans|des promos) pour {FL}",
        "combien j'ai gagné en cashback",
        "(tu peux|peux-tu|est-ce que tu peux) me dire combien j'ai économisé",
        "est-ce que j'ai économisé de l'argent (cette semaine|ce mois-ci)",
        "quelles réductions je peux avoir sur {FL}",
        "le total de mes économies",
        "combien je peux économiser sur {FL}",
        "est-ce qu'il y a des coupons pour {FL}",
        "mes économies (du mois|de l'année)",
        "(bilan|récapitulatif) de mes économies",
        "est-ce que {FL} a des articles en promo",
        "ça m'a fait économiser combien les promos",
    ],
}

TEMPLATES["donate"] = {
    "en": [
        "donate {AMT} to {CH}",
        "(give|send) {AMT} to {CH}",
        "(i want|i'd like|i would like) to donate {AMT} to {CH}",
        "(i want|i'd like) to (donate|give) to {CH}",
        "make a donation of {AMT} to {CH}",
        "make a donation to {CH}",
        "(can|could) you donate {AMT} to {CH}",
        "make {AMTADJ} donation to {CH}",
        "donate to {CH}",
        "contribute {AMT} to {CH}",
        "support {CH} with {AMT}",
        "put {AMT} (towards|toward) {CH}",
        "donate {AMT} (to|for) {CH} please",
        "i('d| would) like to give {AMT} to {CH}",
        "let's donate {AMT} to {CH}",
        "donate {AMT}",
        "send a donation to {CH}",
        "give {CH} {AMT}",
        "pledge {AMT} to {CH}",
        "i want to help {CH} donate {AMT}",
        "donate {AMT} to {CH} (with my card|from my account|using my default card)",
        "how about donating {AMT} to {CH}",
        "i('d like| want) to make a donation to {CH}",
        "chip in {AMT} for {CH}",
        "round up my (order|purchase) for {CH}",
        "(can|could) you give {AMT} to {CH} for me",
        "send {AMTADJ} donation to {CH}",
    ],
    "fr": [
        "(fais|faites) un don de {FAMT} (à|pour) {FCH}",
        "(donne|envoie|verse) {FAMT} à {FCH}",
        "(je veux|je voudrais|j'aimerais) (donner|verser) {FAMT} à {FCH}",
        "(je veux|je voudrais|j'aimerais) faire un don [de {FAMT}] à {FCH}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) faire un don de {FAMT} à {FCH}",
        "(tu peux|peux-tu|est-ce que tu peux) donner {FAMT} à {FCH}",
        "fais un don à {FCH}",
        "(donne|fais un don) pour {FCH}",
        "un don de {FAMT} pour {FCH}",
        "(soutiens|aide) {FCH} avec (un don de|) {FAMT}",
        "(je souhaite|j'aimerais) soutenir {FCH}",
        "fais un don de {FAMT}",
        "verse {FAMT} (pour|à) {FCH}",
        "donne à {FCH}",
        "envoie un don [de {FAMT}] à {FCH}",
        "je veux aider {FCH} (donne|verse) {FAMT}",
        "offre {FAMT} à {FCH}",
        "arrondis (ma commande|mon achat) (pour|au profit de) {FCH}",
        "fais un petit don à {FCH}",
        "je fais un don de {FAMT} (à|pour) {FCH}",
        "on donne {FAMT} à {FCH}",
        "(donne|verse) {FAMT} au profit de {FCH}",
        "et si on donnait {FAMT} à {FCH}",
        "participe pour {FAMT} à {FCH}",
        "faire un don de {FAMT} à {FCH}",
        "donne {FAMT} (à|pour) {FCH} avec ma carte",
    ],
}

TEMPLATES["buy_for_me"] = {
    "en": [
        "buy me {IC} on the {M} (website|site|web shop|online store)",
        "(buy|order|get) {IC} for me (on|from) the {M} (website|site|online store|app)",
        "(can|could) you (buy|order) {IC} for me on the {M} website",
        "(can|could) you buy me {IC} (from|on) the {M} (site|website)",
        "get me {IC} from the {M} online store",
        "(go to|go on|open) {M} dot com and (buy|order) {IC}",
        "(buy|order) {IC} (directly|straight) from the {M} (website|site)",
        "use the {M} (website|app) to (buy|order) {IC}",
        "(buy|order) me {IC} on {M} dot com",
        "buy it for me on the {M} (website|site|app)",
        "(i'd like|i want) you to (buy|order) {IC} (on|from) the {M} (website|site)",
        "head to the {M} (website|site) and (buy|get) me {IC}",
        "buy me {IC} online from {M}",
        "place an order on the {M} website for {IC}",
        "purchase {IC} from the {M} (website|online store) for me",
        "(go|hop) on the {M} app and (get|buy) me {IC}",
        "grab {IC} for me from the {M} website",
        "buy for me {IC} (on|from) the {M} (site|website)",
        "order {IC} for me through the {M} (app|website)",
        "can you order me {IC} from {M} online",
        "on the {M} website (buy|order) me {IC}",
        "i need you to buy {IC} (on|from) the {M} website [for me]",
        "please buy me {IC} from {M} dot com",
        "find {IC} on the {M} website and buy (it|them) for me",
        "order it for me on {M} dot com",
        "check out on the {M} site and buy me {IC}",
        "go to the {M} web shop and order {IC} for me",
    ],
    "fr": [
        "(achète|commande)-moi {FQC} sur le site (de|internet de) {FM}",
        "(achète|commande) {FQC} [pour moi] sur le site de {FM}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) m'acheter {FQC} sur le site de {FM}",
        "(tu peux|peux-tu|est-ce que tu peux) me commander {FQC} sur (le site|l'appli|la boutique en ligne) de {FM}",
        "va sur le site de {FM} et (achète-moi|commande-moi|prends-moi) {FQC}",
        "commande {FQC} directement sur le site de {FM}",
        "achète-moi {FQC} sur {FM} point (com|fr)",
        "(je voudrais|j'aimerais) que tu m'achètes {FQC} sur le site de {FM}",
        "(prends|achète)-moi {FQC} sur la boutique en ligne de {FM}",
        "achète {FQC} pour moi sur (le site|l'appli) de {FM}",
        "(achète-le-moi|commande-le-moi|achète-la-moi) sur le site de {FM}",
        "commande pour moi {FQC} (chez|sur) {FM} en ligne",
        "sur le site de {FM} (achète|commande)-moi {FQC}",
        "passe (la|une) commande sur le site de {FM} pour {FQC}",
        "j'ai besoin que tu commandes {FQC} sur le site de {FM}",
        "achète-moi {FQC} en ligne chez {FM}",
        "va sur {FM} point (com|fr) et commande-moi {FQC}",
        "(ouvre|lance) l'appli de {FM} et achète-moi {FQC}",
        "peux-tu acheter {FQC} pour moi sur la boutique de {FM}",
        "achète {FQC} sur le site officiel de {FM}",
        "commande-moi {FQC} sur le site web de {FM}",
        "je veux que tu achètes {FQC} sur le site de {FM} pour moi",
        "trouve {FQC} sur le site de {FM} et achète pour moi",
        "achète-moi {FQC} directement chez {FM} sur internet",
        "fais-moi l'achat sur le site de {FM}",
        "sur l'appli de {FM} commande-moi {FQC}",
    ],
}

TEMPLATES["share_product"] = {
    "en": [
        "share {ISH} with {C}",
        "send {ISH} to {C}",
        "send {C} {ISH}",
        "share {L} with {C}",
        "send {L} to {C}",
        "(text|message) {C} the link (to|for) {ISH}",
        "forward {ISH} to {C}",
        "(can|could) you share {ISH} with {C}",
        "(can|could) you send {ISH} to {C}",
        "(can|could) you share {L} with {C}",
        "share (this|this product|it|this item) with {C}",
        "send (this|this product|it|that) to {C}",
        "let {C} know about {ISH}",
        "share the link (for|to) {ISH} with {C}",
        "i want to share {ISH} with {C}",
        "recommend {ISH} to {C}",
        "tell {C} about {ISH}",
        "email {ISH} to {C}",
        "send {C} a link to {ISH}",
        "show {C} {ISH}",
        "pass {ISH} along to {C}",
        "give {C} access to {L}",
        "send {C} {L}",
        "(i'd like|i want) to share {L} with {C}",
        "send the product page for {ISH} to {C}",
        "make {L} visible to {C}",
        "share {L} with {C} too",
    ],
    "fr": [
        "partage {FD} avec {FC}",
        "envoie {FD} à {FC}",
        "envoie à {FC} {FD}",
        "partage {FL} avec {FC}",
        "envoie {FL} à {FC}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) partager {FD} avec {FC}",
        "(tu peux|peux-tu|est-ce que tu peux|tu pourrais) envoyer {FD} à {FC}",
        "(tu peux|peux-tu|est-ce que tu peux) partager {FL} avec {FC}",
        "fais suivre {FD} à {FC}",
        "transfère {FD} à {FC}",
        "montre {FD} à {FC}",
        "partage (ce produit|cet article|ça) avec {FC}",
        "(envoie-le|envoie-la|envoie ça|envoie-les) à {FC}",
        "recommande {FD} à {FC}",
        "envoie le lien (de|pour) {FD} à {FC}",
        "je veux partager {FL} avec {FC}",
        "partage avec {FC} {FD}",
        "envoie (par message|par mail|par texto) {FD} à {FC}",
        "fais passer {FD} à {FC}",
        "envoie {FD} par mail à {FC}",
        "donne accès à {FL} à {FC}",
        "(j'aimerais|je voudrais) envoyer {FD} à {FC}",
        "parle de {FD} à {FC}",
        "partage la fiche produit de {FD} avec {FC}",
        "(fais voir|montre) {FL} à {FC}",
        "envoie {FL} à {FC} aussi",
    ],
}

CONFIRM = {
    "en": csv_items(
        "yes, yeah, yep, yup, sure, ok, okay, go ahead, do it, confirm, confirmed, that's right, "
        "correct, absolutely, of course, please do, yes please, sounds good, perfect, alright, "
        "all right, let's do it, go for it, definitely, uh-huh, affirmative, yes confirm, "
        "yes place the order, yes buy it, yes i'm sure, i confirm, that's correct, exactly, "
        "sure thing, why not, fine, proceed, yes go ahead, yeah do it, ok go, yes that's right, "
        "right, yes do it, yeah go ahead, sure go ahead, ok do it, yes proceed, please go ahead, "
        "yes i want it, that's it, you got it, yes exactly, yes correct, yeah that's fine, "
        "that works, works for me, yes order it, yes send it, yes donate, i'm sure, go on, "
        "make it so, confirm the order, yes confirm the purchase, totally, yeah sure, "
        "yes absolutely, ok sure, certainly, yes that's correct, yeah that's right, "
        "yes that's it, sure do it, okay go ahead, yes please do, do it now, yes definitely, "
        "that's fine go ahead, yes go for it, yeah yeah"),
    "fr": csv_items(
        "oui, ouais, ouep, d'accord, ok, okay, vas-y, allez-y, c'est bon, confirme, je confirme, "
        "oui vas-y, exactement, tout à fait, bien sûr, parfait, c'est ça, c'est parfait, "
        "carrément, oui s'il te plaît, oui merci, valide, je valide, oui commande, "
        "oui achète-le, oui c'est bien ça, entendu, ça marche, volontiers, avec plaisir, "
        "oui oui, absolument, évidemment, c'est correct, ça me va, oui je confirme, affirmatif, "
        "oui c'est ça, go, ok vas-y, oui fais-le, fais-le, oui allez, allez, d'accord vas-y, "
        "oui bien sûr, oui tout à fait, c'est tout bon, oui valide, vas-y commande, oui envoie, "
        "oui je suis sûr, je suis sûr, oui c'est correct, bah oui, mais oui, ouais vas-y, d'ac, "
        "banco, c'est d'accord, oui je veux bien, je veux bien, c'est validé, oui exactement, "
        "oui parfait, oui ça marche, ok c'est bon, oui c'est parfait, oui fais-le, "
        "oui confirme, oui oui vas-y, c'est bien ça, oui je le veux, ok d'accord"),
}
DENY = {
    "en": csv_items(
        "no, nope, nah, cancel, cancel that, never mind, don't, don't do it, stop, no thanks, "
        "no thank you, not now, forget it, forget about it, no way, negative, i changed my mind, "
        "don't order it, wait no, no don't, hold on no, not that one, that's wrong, "
        "that's not right, scratch that, abort, skip it, leave it, no cancel, no stop, no no, "
        "absolutely not, definitely not, please don't, no don't buy it, don't buy that, "
        "don't do that, no that's wrong, nope not that, cancel it, no leave it, not today, "
        "maybe later, no i'm good, no need, not really, no that's not it, wrong, incorrect, "
        "no please stop, never mind cancel, hold off, don't bother, no forget it, "
        "no i don't want it, i don't want it, no not now, no sorry, no never mind, "
        "no cancel that, nope cancel, no thanks i'm good, not right now, no that's not right, "
        "don't send it, no don't do that, that's not what i said, no wait, stop stop"),
    "fr": csv_items(
        "non, non merci, laisse tomber, annule, annule ça, pas maintenant, surtout pas, "
        "non c'est pas ça, arrête, stop, oublie, oublie ça, non non, pas du tout, "
        "certainement pas, j'ai changé d'avis, ne commande pas, non ne fais rien, attends non, "
        "c'est faux, pas celui-là, laisse, non annule, non pas ça, nan, négatif, "
        "hors de question, non je veux pas, non je ne veux pas, non laisse tomber, "
        "non merci ça ira, ça ira merci, pas la peine, non c'est bon, c'est pas la peine, "
        "n'achète pas, ne fais pas ça, non arrête, annule tout, non oublie, plus tard, "
        "une autre fois, non pas aujourd'hui, pas encore, non c'est faux, ah non, bah non, "
        "mais non, non surtout pas, je refuse, non stop, non je me suis trompé, non annule ça, "
        "non finalement, finalement non, non pas celui-là, non merci pas maintenant, "
        "laisse tomber c'est bon, n'envoie pas, non pas du tout, oublie ce que j'ai dit, "
        "non attends, c'est pas ce que j'ai dit, non non non"),
}

# ---------------------------------------------------------------------------
# Out of scope: fill lists (untagged) and templates, including hard negatives
# ---------------------------------------------------------------------------

OOS_FILLS = {
    "en": {
        "CITY": "paris, london, new york, tokyo, chicago, seattle, berlin, lyon, marseille, "
                "toronto, sydney, boston, madrid, rome, montreal, dublin, austin, denver, miami, "
                "nice, bordeaux, lille, toulouse, brussels, geneva, san francisco, los angeles",
        "DAY": "today, tomorrow, tonight, this weekend, on monday, on tuesday, on wednesday, "
               "on thursday, on friday, on saturday, on sunday, next week, this afternoon",
        "WHEN": "tomorrow morning, tonight, at 5 pm, in an hour, on friday, this afternoon, "
                "at noon, in twenty minutes, next monday, at 7 30",
        "TIME": "7 am, 6 30 am, seven o'clock, noon, 8 pm, half past six, 5 45, six am, "
                "ten thirty, midnight, 9 15",
        "DUR": "ten minutes, 5 minutes, half an hour, an hour, twenty minutes, 90 seconds, "
               "three minutes, 45 minutes, two hours, 12 minutes",
        "ARTIST": "taylor swift, the beatles, beyonce, drake, adele, coldplay, daft punk, "
                  "stromae, ed sheeran, queen, miles davis, billie eilish, the rolling stones, "
                  "bob marley, mozart, bach, aya nakamura, edith piaf, celine dion, "
                  "michael jackson, nirvana, bruno mars, dua lipa, the weeknd",
        "GENRE": "jazz, classical music, rock, hip hop, lo-fi, country, relaxing music, "
                 "eighties music, pop, metal, reggae, christmas music, white noise, rain sounds",
        "STATION": "npr, the bbc, kiss fm, france inter, nrj, the news station, jazz radio, "
                   "my local radio station, radio nova",
        "PODCAST": "the daily, serial, radiolab, this american life, my history podcast, "
                   "the joe rogan experience, ted talks daily, my favorite podcast",
        "TEAM": "the lakers, the yankees, psg, real madrid, liverpool, the patriots, arsenal, "
                "the celtics, barcelona, the warriors, manchester united, the packers",
        "PERSON": EN_NAMES,
        "REL": "mom, dad, my brother, my sister, my wife, my husband, grandma, my boss, "
               "my friend, my son, my daughter",
        "DEVICE": "lights, lamp, tv, heater, fan, air conditioning, coffee machine, "
                  "robot vacuum, radio, porch light, christmas lights",
        "ROOM": "kitchen, living room, bedroom, bathroom, office, hallway, garage, kids room, "
                "dining room, basement",
        "LANGX": "spanish, french, german, italian, japanese, chinese, english, portuguese",
        "WORD": "hello, thank you, good morning, cheese, apple, where is the station, "
                "i love you, butterfly, goodbye, how are you",
        "DISH": "lasagna, pancakes, chocolate cake, quiche, risotto, guacamole, banana bread, "
                "crepes, ratatouille, chili, apple pie, carbonara, pad thai, french toast, "
                "meatloaf, a roast chicken",
        "COUNTRY": "france, spain, japan, canada, brazil, australia, norway, portugal, "
                   "peru, kenya, iceland, mexico",
        "N": "2, 3, 5, 7, 8, 12, 15, 17, 25, 42, 64, 100, 144, 365, seven, nine, twelve, "
             "thirteen, twenty, forty",
        "MOVIE": "star wars, harry potter, the marvel movies, the lord of the rings, "
                 "fast and furious, the godfather, toy story",
        "PLACE": "work, home, the airport, the train station, downtown, the nearest gas station, "
                 "the hospital, the beach, my parents house",
        "SHOP": "coffee shop, pharmacy, restaurant, gas station, bakery, supermarket, "
                "post office, atm, hardware store",
    },
    "fr": {
        "VILLE": "paris, lyon, marseille, toulouse, nice, nantes, strasbourg, bordeaux, lille, "
                 "rennes, montpellier, brest, grenoble, dijon, genève, bruxelles, montréal, "
                 "québec, londres, new york, tokyo, rome, madrid, berlin",
        "JOUR": "aujourd'hui, demain, ce soir, ce week-end, lundi, mardi, mercredi, jeudi, "
                "vendredi, samedi, dimanche, la semaine prochaine, cet après-midi",
        "QUAND": "demain matin, ce soir, dans une heure, à 18 heures, lundi, cet après-midi, "
                 "à midi, dans vingt minutes, lundi prochain",
        "HEURE": "7 heures, 6 heures 30, midi, 8 heures du soir, 7 heures et quart, "
                 "six heures, minuit, 9 heures 15, sept heures et demie",
        "DUREE": "dix minutes, 5 minutes, une demi-heure, une heure, vingt minutes, "
                 "trois minutes, 90 secondes, 45 minutes, deux heures, 12 minutes",
        "ARTISTE": "stromae, angèle, aya nakamura, jul, indochine, johnny hallyday, édith piaf, "
                   "céline dion, daft punk, orelsan, christophe maé, zaz, louane, "
                   "mylène farmer, francis cabrel, les beatles, taylor swift, beyoncé, "
                   "ed sheeran, vianney, soprano, gims",
        "GENRE": "jazz, musique classique, rock, rap, variété française, musique relaxante, "
                 "lo-fi, reggae, électro, chansons de noël, bruit blanc, bruit de pluie",
        "STATION": "france inter, fip, nrj, rtl, france info, radio nova, france culture, "
                   "europe 1, rmc, nostalgie, skyrock",
        "PODCAST": "les pieds sur terre, affaires sensibles, transfert, mon podcast, "
                   "l'heure du monde, les grosses têtes",
        "EQUIPE": "le psg, l'om, les bleus, lyon, le real madrid, barcelone, "
                  "le stade toulousain, nantes, lens, l'équipe de france",
        "PRENOM": FR_NAMES,
        "PROCHE": "maman, papa, mon frère, ma soeur, ma femme, mon mari, mamie, mon patron, "
                  "mon copain, ma fille, mon fils",
        "PIECE": "la cuisine, le salon, la chambre, la salle de bain, le bureau, le couloir, "
                 "le garage, la chambre des enfants, la salle à manger",
        "LANGUE": "anglais, espagnol, allemand, italien, japonais, chinois, portugais, arabe",
        "MOT": "bonjour, merci, fromage, pomme, je t'aime, où est la gare, bon appétit, "
               "papillon, au revoir",
        "PLAT": "une quiche lorraine, des crêpes, un gâteau au chocolat, une ratatouille, "
                "un boeuf bourguignon, une blanquette, un gratin dauphinois, "
                "une tarte aux pommes, une mousse au chocolat, des lasagnes, un risotto, "
                "une soupe à l'oignon, un couscous, une pâte à crêpes",
        "PAYS": "l'espagne, l'italie, le japon, le canada, le brésil, l'australie, la norvège, "
                "le portugal, le pérou, le mexique",
        "N": "2, 3, 5, 7, 8, 12, 15, 17, 25, 42, 64, 100, 144, 365, sept, neuf, douze, treize, "
             "vingt, quarante",
        "FILM": "star wars, harry potter, les films marvel, le seigneur des anneaux, "
                "fast and furious, le parrain",
        "LIEU": "au travail, à la maison, à l'aéroport, à la gare, au centre-ville, "
                "à la plage, chez mes parents, à l'hôpital",
        "COMMERCE": "une pharmacie, une boulangerie, un restaurant, une station-service, "
                    "un supermarché, un distributeur, une poste, un café",
    },
}
OOS_FILLS = {lang: {k: csv_items(v) for k, v in d.items()} for lang, d in OOS_FILLS.items()}

TEMPLATES["out_of_scope"] = {
    "en": [
        # weather
        "what's the weather [like] [today|tomorrow|this weekend]",
        "what's the weather in {CITY}",
        "is it going to rain [today|tomorrow|in {CITY}]",
        "will it snow {DAY}",
        "how (hot|cold) is it (outside|in {CITY})",
        "what's the temperature (outside|in {CITY})",
        "do i need an umbrella {DAY}",
        "what's the forecast for {DAY}",
        "is it windy (outside|today)",
        "when does the sun set [today]",
        "what time is sunrise (tomorrow|in {CITY})",
        # music, radio, podcasts
        "play {ARTIST}",
        "play some {GENRE}",
        "play the (new|latest) {ARTIST} album",
        "put on (some|) {GENRE}",
        "play my (workout|chill|morning|dinner|road trip) playlist",
        "(shuffle my playlist|skip this song|next song|previous track|pause the music|stop the music|resume the music)",
        "turn the volume (up|down)",
        "(who sings this song|what song is this|i like this song|repeat this song|turn it up|mute)",
        "add this song to my (playlist|favorites|workout playlist)",
        "add {ARTIST} to my (workout|road trip|party) playlist",
        "play {ARTIST} on spotify",
        "(play|put on) {STATION}",
        "play the latest episode of {PODCAST}",
        "(resume my podcast|skip ahead thirty seconds|play an audiobook|continue my audiobook)",
        "read me a (story|bedtime story|poem)",
        # timers, alarms, reminders
        "set a timer for {DUR}",
        "set an alarm for {TIME}",
        "wake me up at {TIME} [tomorrow]",
        "cancel my (alarm|alarms|timer|morning alarm)",
        "cancel the timer",
        "how much time is left on my timer",
        "(snooze|stop the alarm|turn off the alarm)",
        "delete all my alarms",
        "remind me to call {PERSON} {WHEN}",
        "remind me to take my (pills|medicine) at {TIME}",
        "add a reminder to (water the plants|call the dentist|pay the rent) {WHEN}",
        "remind me to pick up the kids at {TIME}",
        # calendar
        "add (an event|a meeting|lunch with {PERSON}|a dentist appointment) to my calendar [{WHEN}]",
        "what's on my (calendar|schedule|agenda) (today|tomorrow|this week)",
        "when is my next meeting",
        "cancel my meeting with {PERSON}",
        "move my appointment to {DAY}",
        "clear my calendar (for|on) (friday|monday|tomorrow)",
        "confirm my appointment (for|on) (friday|monday|tomorrow)",
        "share my calendar with {PERSON}",
        # news, sports
        "(what's the news|give me the headlines|what's happening in the world|any news today)",
        "read me the news",
        "did {TEAM} win [last night]",
        "what's the score of the {TEAM} game",
        "when do {TEAM} play next",
        "who won the game last night",
        "news about {CITY}",
        # jokes, trivia, math, translation
        "tell me a joke",
        "(tell me something funny|tell me a fun fact|make me laugh)",
        "how tall is the eiffel tower",
        "who is the president of (france|the united states)",
        "how far is the moon",
        "how many ounces in a pound",
        "what's {N} times {N}",
        "what is {N} plus {N}",
        "what's {N} minus {N}",
        "what's the square root of {N}",
        "how do you say {WORD} in {LANGX}",
        "translate {WORD} (to|into) {LANGX}",
        "(spell|define) {WORD}",
        "convert {N} miles to kilometers",
        "how many grams (in|are in) a (kilo|pound)",
        "how many teaspoons in a tablespoon",
        "what's the capital of {COUNTRY}",
        "list the planets in order",
        "what is the order of the planets",
        "in what order should i watch {MOVIE}",
        "who invented the telephone",
        "when was the eiffel tower built",
        "how many people live in {CITY}",
        # smart home
        "turn (on|off) the {DEVICE} [in the {ROOM}]",
        "dim the lights [in the {ROOM}]",
        "set the thermostat to {N} degrees",
        "(make it warmer|make it cooler|turn up the heat|turn down the heat)",
        "(is the front door locked|lock the front door|open the garage door)",
        "start the robot vacuum",
        "turn on the coffee maker",
        "set the lights to (blue|red|warm white|fifty percent)",
        "(open|close) the blinds [in the {ROOM}]",
        "turn off all the lights",
        # calls, messages
        "call {PERSON}",
        "call {REL}",
        "text {PERSON} that i'm running late",
        "send a message to {PERSON} saying (happy birthday|i'll be home soon|see you tonight)",
        "(read my messages|any new emails|read my last text|check my email)",
        "video call {REL}",
        "share my location with {PERSON}",
        "send this photo to {PERSON}",
        "share this song with {PERSON}",
        "send {PERSON} my eta",
        # navigation, local
        "how long does it take to get to {PLACE}",
        "directions to {PLACE}",
        "how's the traffic (to work|on the way home)",
        "navigate to {PLACE}",
        "how far is {M} from here",
        "where is the nearest {M}",
        "find a {SHOP} nearby",
        "is {M} open (on sunday|today|right now|on christmas)",
        "what time does {M} (close|open) [today]",
        # cooking and product questions (hard negatives)
        "how do i make {DISH}",
        "give me a recipe for {DISH}",
        "how long do i boil an egg",
        "what can i (cook|make) with {IN} and {IN}",
        "how many calories are in {IN}",
        "how much (sugar|caffeine|protein) is in {IN}",
        "can i freeze {IN}",
        "what can i substitute for {IN}",
        "how long does {IN} last in the fridge",
        "is {IN} (healthy|good for you|gluten free|vegan)",
        "what's the difference between {IN} and {IN}",
        "what temperature should i bake {DISH} at",
        "what wine goes with {DISH}",
        "who owns {B}",
        "is {B} a french (company|brand)",
        "what does {M} sell",
        "how do i return something to {M}",
        "how much does {IN} usually cost",
        "where does {IN} come from",
        "is {IN} good for dogs",
        "how much sugar is in coke",
        "is ikea open on sunday",
        # statements (hard negatives)
        "i bought {IQ} yesterday",
        "i (already|just) bought {IQ} at the store",
        "my (mom|sister|friend|wife) loves {M}",
        "{M} has (good|great|terrible) customer service",
        "i love {B}",
        "{B} is my favorite brand",
        "i went to {M} (yesterday|last week|this morning)",
        "{IN} is so expensive these days",
        "prices at {M} keep going up",
        "i don't like {IN}",
        "my kids hate {IN}",
        "we had {DISH} for dinner",
        "i got a coupon in the mail",
        "i donated to {CH} last year",
        "my brother works at {M}",
        "i'm going shopping later",
        "shopping is (fun|exhausting)",
        "the {IN} we got was (great|terrible|delicious)",
        "my order from last year was late",
        # non-shopping uses of list / order / cancel / add / share / confirm / track / read
        "what's {N} plus {N} add them up",
        "add {PERSON} to the group chat",
        "add a stop at the gas station",
        "cancel the (route|navigation)",
        "share this article with {PERSON}",
        "share my screen",
        "confirm the alarm",
        "can you confirm the meeting time",
        "list all my alarms",
        "list the (presidents|countries in europe|days of the week)",
        "track my (steps|run|sleep|workout)",
        "(where's my phone|find my phone|where are my keys|find my keys)",
        "delete my last voicemail",
        "clear my notifications",
        "empty the recycle bin",
        "save this recipe",
        "order of operations in math",
        "what's the pecking order",
        "how much have i walked today",
        "how much did i spend on (electricity|gas) last month",
        "what's my bank balance",
        "how do i donate blood",
        "where can i donate old clothes",
        "what is the red cross",
        "who founded unicef",
        "recommend a (good movie|restaurant|book|tv show)",
        # chit-chat
        "(how are you|what's your name|who made you|do you like me|tell me about yourself)",
        "(good morning|good night|hello|hi there|thank you|i love you|you're funny)",
        "(what can you do|are you a robot|sing me a song|i'm bored|what's the meaning of life)",
        "(what time is it|what's the date today|what day is it|how old are you|do you dream)",
        "(let's play a game|flip a coin|roll a dice)",
        "pick a number between one and (ten|twenty|a hundred)",
        "how many days until (christmas|halloween|my birthday|thanksgiving)",
        "when is (thanksgiving|easter|mother's day) this year",
        "what should i wear {DAY}",
        # money, charities, brands and shops talked about, not asked for
        "how much is (a|one|{N}) (dollar|dollars|euro|euros|pound|pounds) in (euros|dollars|pounds)",
        "(convert|change) {N} (dollars|euros|pounds) (to|into) (euros|dollars|pounds)",
        "what's the (exchange rate|euro to dollar rate|dollar to euro rate) [today]",
        "{CH} (does great work|was on the news|is a good charity|helped after the floods)",
        "(my sister|my mom|a friend of mine) (volunteers|works) (at|for) {CH}",
        "{B} (makes great products|was in the news|is my favorite brand|raised its prices)",
        "(read me|what are) the (news|headlines|top stories) [today]",
        "when (are|do) the (sales|black friday deals|summer sales) start",
        "(hmm|um|uh|well) (let me think|i don't know|wait a second|give me a minute)",
        # a filler alone is not an answer (the fillers before "yes" teach the opposite)
        "(hmm|um|uh|er|mm|hmm hmm|uh hmm|well well)",
        "(never mind|forget it) i was talking to my (husband|wife|kids|friend)",
        "sorry i wasn't talking to you",
    ],
    "fr": [
        # météo
        "quel temps fait-il [à {VILLE}|aujourd'hui|demain]",
        "il va pleuvoir (demain|aujourd'hui|ce week-end)",
        "quelle est la météo (à {VILLE}|pour demain|ce week-end)",
        "est-ce qu'il va neiger {JOUR}",
        "il fait combien dehors",
        "quelle température (il fait|) à {VILLE}",
        "est-ce que je dois prendre un parapluie {JOUR}",
        "à quelle heure se couche le soleil",
        "c'est quoi les prévisions pour {JOUR}",
        "il y a du vent (dehors|aujourd'hui)",
        # musique
        "(mets|joue|lance) {ARTISTE}",
        "mets (de la musique|un peu de {GENRE})",
        "mets le dernier album de {ARTISTE}",
        "lance ma playlist (sport|détente|du matin|de soirée)",
        "(chanson suivante|passe à la chanson suivante|mets sur pause|arrête la musique|reprends la musique)",
        "(monte le son|baisse le volume|plus fort|moins fort|coupe le son)",
        "(c'est quoi cette chanson|qui chante cette chanson|répète cette chanson)",
        "ajoute cette chanson à ma playlist",
        "ajoute {ARTISTE} à ma playlist (sport|voiture|soirée)",
        "mets {STATION}",
        "lance le dernier épisode de {PODCAST}",
        "(reprends mon livre audio|avance de trente secondes|lance un livre audio)",
        "lis-moi une (histoire|histoire pour dormir|poésie)",
        # minuteurs, alarmes, rappels
        "mets un minuteur de {DUREE}",
        "lance un minuteur (pour|de) {DUREE}",
        "réveille-moi à {HEURE} [demain]",
        "mets une alarme à {HEURE}",
        "annule (mon alarme|mes alarmes|le minuteur|mon réveil)",
        "supprime toutes mes alarmes",
        "il reste combien de temps sur le minuteur",
        "rappelle-moi d'appeler {PRENOM} {QUAND}",
        "ajoute un rappel pour (appeler le médecin|arroser les plantes|payer le loyer) {QUAND}",
        "ajoute un rappel",
        "mets un rappel (demain|à {HEURE})",
        "rappelle-moi de prendre mes médicaments à {HEURE}",
        # agenda
        "ajoute (un rendez-vous|un événement|une réunion) à mon agenda (demain|lundi|{QUAND})",
        "ajoute le dîner chez {PRENOM} à mon calendrier",
        "qu'est-ce que j'ai (à|sur) mon agenda (aujourd'hui|demain|cette semaine)",
        "c'est quand mon prochain rendez-vous",
        "annule ma réunion de {HEURE}",
        "annule mon rendez-vous avec {PRENOM}",
        "déplace mon rendez-vous à {JOUR}",
        "confirme mon rendez-vous chez le (dentiste|médecin|coiffeur)",
        "partage mon agenda avec {PRENOM}",
        "vide mon agenda pour {JOUR}",
        # infos, sport
        "(quelles sont les infos|donne-moi les actualités|quoi de neuf dans le monde|les infos du jour)",
        "lis-moi les titres",
        "est-ce que {EQUIPE} a gagné",
        "c'est quoi le score du match",
        "quand joue {EQUIPE}",
        "qui a gagné le match hier soir",
        "les résultats du tour de france",
        # blagues, culture, calcul, traduction
        "raconte-moi une blague",
        "(dis-moi un truc drôle|fais-moi rire|raconte-moi une anecdote)",
        "quelle est la hauteur de la tour eiffel",
        "qui est le président des états-unis",
        "combien font {N} fois {N}",
        "combien font {N} plus {N}",
        "combien font {N} moins {N}",
        "quelle est la racine carrée de {N}",
        "comment on dit {MOT} en {LANGUE}",
        "traduis {MOT} en {LANGUE}",
        "comment ça s'écrit {MOT}",
        "ça veut dire quoi {MOT}",
        "convertis {N} miles en kilomètres",
        "combien de grammes dans un kilo",
        "combien de cuillères à café dans une cuillère à soupe",
        "quelle est la capitale de {PAYS}",
        "dans quel ordre sont les planètes",
        "c'est quoi l'ordre des planètes",
        "dans quel ordre regarder {FILM}",
        "qui a inventé le téléphone",
        "combien d'habitants à {VILLE}",
        # maison connectée
        "allume la lumière dans {PIECE}",
        "éteins (la lumière|la télé|le chauffage|tout|les lumières) [dans {PIECE}]",
        "baisse la lumière [dans {PIECE}]",
        "mets le chauffage à {N} degrés",
        "(monte le thermostat|baisse le chauffage|il fait froid ici monte le chauffage)",
        "(ferme|ouvre) les volets [dans {PIECE}]",
        "lance l'aspirateur",
        "allume la cafetière",
        "(est-ce que la porte est fermée|verrouille la porte d'entrée|ouvre le garage)",
        # appels, messages
        "appelle {PROCHE}",
        "appelle {PRENOM}",
        "envoie un message à {PRENOM} pour dire que je suis en retard",
        "envoie un texto à {PROCHE}",
        "(lis mes messages|j'ai des nouveaux mails|lis mon dernier texto|vérifie mes mails)",
        "appel vidéo avec {PRENOM}",
        "raccroche",
        "partage ma position avec {PRENOM}",
        "envoie cette photo à {PRENOM}",
        "partage cette chanson avec {PRENOM}",
        # navigation, commerces
        "combien de temps pour aller (à {VILLE}|{LIEU})",
        "itinéraire pour aller {LIEU}",
        "comment est le trafic (pour aller au travail|sur le périph)",
        "emmène-moi {LIEU}",
        "il y a (un|une) {M} près d'ici",
        "est-ce que {M} est ouvert (le dimanche|aujourd'hui|en ce moment)",
        "à quelle heure (ferme|ouvre) {M}",
        "trouve {COMMERCE} (ouverte|ouvert|) près d'ici",
        "où est la boulangerie la plus proche",
        # cuisine et questions produits (négatifs difficiles)
        "comment on fait {PLAT}",
        "donne-moi une recette pour (faire|) {PLAT}",
        "combien de temps pour cuire un oeuf dur",
        "qu'est-ce que je peux faire avec {FD} et {FD}",
        "combien de calories dans une portion de {FNB}",
        "est-ce qu'on peut congeler {FD}",
        "par quoi remplacer {FD}",
        "combien de temps se conserve {FD}",
        "est-ce que {FD} c'est bon pour la santé",
        "c'est quoi la différence entre {FD} et {FD}",
        "c'est quoi la différence entre le beurre doux et le beurre demi-sel",
        "à quelle température cuire {PLAT}",
        "quel vin servir avec {PLAT}",
        "à qui appartient {B}",
        "est-ce que {B} est une marque française",
        "qu'est-ce qu'on trouve chez {M}",
        "comment retourner un article chez {M}",
        "est-ce qu'il y a du gluten dans {FD}",
        "d'où vient le mot {MOT}",
        "est-ce que {FD} c'est bon pour les chiens",
        "combien de sucre dans un coca",
        # affirmations (négatifs difficiles)
        "j'ai acheté {FQ} hier",
        "j'ai déjà acheté {FQ} au marché",
        "ma (mère|soeur|copine|femme) adore {M}",
        "{M} c'est (trop cher|super|nul)",
        "j'adore {B}",
        "{B} c'est ma marque préférée",
        "je suis allé chez {M} (hier|la semaine dernière|ce matin)",
        "les prix chez {M} augmentent",
        "je n'aime pas {FD}",
        "mes enfants détestent {FD}",
        "on a mangé {FQ} ce midi",
        "j'ai reçu un bon de réduction par la poste",
        "j'ai fait un don à {FCH} l'année dernière",
        "mon frère travaille chez {M}",
        "je vais faire les courses plus tard",
        "faire les courses c'est (pénible|fatigant|sympa)",
        "ma mère adore decathlon",
        "j'ai oublié mon sac à la maison",
        # usages non commerciaux de liste / commande / annule / ajoute / partage / confirme
        "ajoute {N} et {N}",
        "ajoute {PRENOM} au groupe",
        "ajoute une étape à la station-service",
        "annule (l'itinéraire|la navigation)",
        "partage cet article avec {PRENOM}",
        "partage mon écran",
        "confirme l'alarme",
        "liste les (planètes|départements|jours de la semaine)",
        "(compte mes pas|suis mon sommeil|suis ma course)",
        "(où est mon téléphone|trouve mon téléphone|où sont mes clés)",
        "supprime mon dernier message vocal",
        "efface mes notifications",
        "vide la corbeille",
        "recommande-moi (un film|un bon restaurant|une série|un livre)",
        "combien j'ai marché aujourd'hui",
        "combien j'ai dépensé en électricité le mois dernier",
        "c'est combien mon solde bancaire",
        "comment donner son sang",
        "c'est quoi la croix-rouge",
        "qui a fondé les restos du coeur",
        "enregistre cette recette",
        "dans quel ordre il faut mettre les ingrédients",
        # bavardage
        "(comment ça va|comment tu t'appelles|qui t'a créé|tu m'aimes|parle-moi de toi)",
        "(salut|bonjour|coucou|hé) (ça va|comment ça va|tu vas bien)",
        "ça va bien et toi",
        "(euh|bah|hein|hmm|bof|ben|euh euh)",
        "(bonjour|bonne nuit|salut|coucou|je t'aime|t'es drôle|merci beaucoup)",
        "(qu'est-ce que tu sais faire|t'es un robot|chante-moi une chanson|je m'ennuie)",
        "(quel est le sens de la vie|il est quelle heure|quelle heure est-il|on est quel jour)",
        "(quel âge as-tu|on joue à un jeu|pile ou face|lance un dé)",
        "choisis un nombre entre un et (dix|vingt|cent)",
        "c'est dans combien de jours (noël|pâques|mon anniversaire)",
        "quand est la fête des (mères|pères)",
        "qu'est-ce que je mets comme vêtements {JOUR}",
        # argent, associations, marques et magasins dont on parle sans rien demander
        "combien vaut (un|{N}) (euro|euros|dollar|dollars|livre|livres) en (dollars|euros|livres)",
        "(convertis|change) {N} (euros|dollars) en (dollars|euros)",
        "c'est quoi le taux de change (euro dollar|du dollar|aujourd'hui)",
        "{CH} (fait du bon travail|était aux infos|est une belle association)",
        "(ma sœur|ma mère|une amie) (est bénévole|travaille) (aux|à la|chez) {CH}",
        "{B} (fait de bons produits|était aux infos|est ma marque préférée|a augmenté ses prix)",
        "(lis-moi|c'est quoi) les (infos|actualités|titres du jour)",
        "c'est quand les (soldes|promos du black friday|soldes d'été)",
        "(euh|hum|bon) (attends|je sais pas|laisse-moi réfléchir|une seconde)",
        "(laisse tomber|pardon) je parlais à (mon mari|ma femme|mes enfants|une amie)",
        "désolé je ne te parlais pas",
    ],
}

# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

GENERATORS = {name[4:]: fn for name, fn in sorted(globals().items())
              if name.startswith("gen_") and callable(fn)}
PH_RE = re.compile(r"\{(\w+)\}")


def expand(tpl, rng):
    """Resolve (a|b) alternatives and [optional|alternatives] parts; nesting allowed."""
    pos = 0

    def seq(stop):
        nonlocal pos
        out = []
        while pos < len(tpl) and tpl[pos] not in stop:
            c = tpl[pos]
            if c == "(":
                pos += 1
                alts = [seq("|)")]
                while tpl[pos] == "|":
                    pos += 1
                    alts.append(seq("|)"))
                pos += 1
                out.append(alts[rng.randrange(len(alts))])
            elif c == "[":
                pos += 1
                alts = [seq("|]")]
                while tpl[pos] == "|":
                    pos += 1
                    alts.append(seq("|]"))
                pos += 1
                if rng.random() < 0.5:
                    out.append(alts[rng.randrange(len(alts))])
            else:
                out.append(c)
                pos += 1
        return "".join(out)

    return seq("")


# Item phrases that may name several items under one verb ("add milk and eggs").
MULTI_ITEM_GENS = {"IQ", "IN", "ID", "IR", "FQ", "FN", "FNB", "FD"}
MULTI_ITEM_INTENTS = ("add_to_list", "remove_from_list", "buy")
ITEM_JOINERS = {"en": [("and", 20), ("and also", 1), ("and some", 1), ("plus", 1)],
                "fr": [("et", 20), ("et aussi", 1), ("plus", 1)]}


def several_items(ctx, fn):
    """Item phrases of `ctx.n_items` items joined by "and"/"et": each item's slots are its
    own (kept in ctx.items), the rest of the command's slots are shared."""
    shared, out, ctx.items = ctx.slots, [], []
    for k in range(ctx.n_items):
        ctx.slots = {}
        if k:
            last = k == ctx.n_items - 1
            # Tagged so that ASR-like noise never drops it: two items would become one.
            out += toks(wchoice(ctx.rng, ITEM_JOINERS[ctx.lang]) if last
                        else ITEM_JOINERS[ctx.lang][0][0], "_join")
        out += fn(ctx)
        ctx.items.append(ctx.slots)
    ctx.slots = shared
    ctx.n_items = 1
    return out


def render(ctx, tpl):
    s = expand(tpl, ctx.rng)
    out, pos = [], 0
    for m in PH_RE.finditer(s):
        out += toks(s[pos:m.start()])
        name = m.group(1)
        fn = GENERATORS.get(name)
        if fn is not None and ctx.n_items > 1 and name in MULTI_ITEM_GENS:
            out += several_items(ctx, fn)
        elif fn is not None:
            out += fn(ctx)
        else:
            out += toks(ctx.norm(ctx.rng.choice(OOS_FILLS[ctx.lang][name])))
        pos = m.end()
    return out + toks(s[pos:])


FILLERS = {
    "en": {
        "pre": [("uh", 5), ("um", 4), ("so", 3), ("hey", 2), ("alexa", 4), ("hey alexa", 2),
                ("okay", 2), ("ok", 2), ("please", 2), ("well", 1), ("oh", 1), ("hmm", 1),
                ("alright", 1), ("er", 1), ("uh so", 1), ("okay so", 1), ("um alexa", 1)],
        "post": [("please", 5), ("thanks", 3), ("thank you", 3), ("now", 1), ("alexa", 1),
                 ("thanks alexa", 1), ("please alexa", 1)],
        "mid": ["uh", "um", "er", "like", "hmm", "you know", "uh uh"],
        "short_pre": [("uh", 4), ("um", 3), ("hmm", 2), ("oh", 2), ("well", 2), ("alexa", 2),
                      ("ah", 1), ("er", 1), ("so", 1)],
        "short_post": [("thanks", 3), ("thank you", 2), ("please", 1), ("alexa", 1)],
    },
    "fr": {
        "pre": [("euh", 5), ("bon", 3), ("alors", 2), ("dis", 2), ("hey", 1), ("alexa", 4),
                ("dis alexa", 2), ("ok", 2), ("bah", 1), ("ben", 1), ("écoute", 1),
                ("s'il te plaît", 1), ("bon ben", 1), ("euh alors", 1), ("oh", 1),
                ("alexa euh", 1)],
        "post": [("s'il te plaît", 5), ("stp", 3), ("merci", 3), ("s'il vous plaît", 1),
                 ("svp", 1), ("merci alexa", 1)],
        "mid": ["euh", "ben", "bah", "hum", "genre", "tu vois", "euh euh"],
        "short_pre": [("euh", 4), ("bah", 2), ("ben", 2), ("hmm", 2), ("oh", 1),
                      ("alexa", 2), ("alors", 1), ("ah", 1), ("bon", 1)],
        "short_post": [("merci", 3), ("s'il te plaît", 1), ("stp", 1), ("alexa", 1)],
    },
}


def add_fillers(ctx, t, short=False):
    rng = ctx.rng
    f = FILLERS[ctx.lang]
    if rng.random() < (0.25 if short else 0.2):
        t = toks(wchoice(rng, f["short_pre" if short else "pre"])) + t
    if rng.random() < (0.15 if short else 0.1):
        t = t + toks(wchoice(rng, f["short_post" if short else "post"]))
    return t


def gen_short_answer(ctx):
    rng = ctx.rng
    cores = (CONFIRM if ctx.intent == "confirm" else DENY)[ctx.lang]
    t = toks(rng.choice(cores))
    if rng.random() < 0.12:
        t = t + toks(rng.choice(cores))
    return add_fillers(ctx, t, short=True)


# ---------------------------------------------------------------------------
# ASR-like noise (never touches slot words, keeps spans consistent)
# ---------------------------------------------------------------------------

DROP = {
    "en": {"the", "a", "an", "to", "of", "my", "please", "some", "for", "on", "is", "me",
           "can", "you", "and", "uh", "um"},
    "fr": {"le", "la", "les", "de", "du", "des", "à", "ma", "mon", "mes", "un", "une", "sur",
           "tu", "moi", "ne", "au", "aux", "en", "euh"},
}
HOMO = {
    "en": {"to": ["two", "too"], "for": ["four"], "buy": ["by"], "by": ["buy"],
           "list": ["lists"], "their": ["there"], "there": ["their"], "some": ["sum"],
           "write": ["right"], "right": ["write"], "our": ["are"], "add": ["ad", "at"],
           "it's": ["its"], "here": ["hear"], "hear": ["here"], "week": ["weak"],
           "order": ["orders"], "coupon": ["coupons"], "would": ["wood"], "off": ["of"],
           "what's": ["what is", "whats"], "i'm": ["im"], "don't": ["dont"]},
    "fr": {"ajoute": ["ajouter", "ajoutes"], "de": ["deux"], "mets": ["met", "mais"],
           "achète": ["acheter", "achètes"], "commande": ["commander", "commandes"],
           "et": ["est"], "est": ["et"], "à": ["a"], "ces": ["ses"], "c'est": ["s'est"],
           "liste": ["listes"], "enlève": ["enlever"], "vide": ["vider"], "peux": ["peut"],
           "où": ["ou"], "sur": ["sûr"], "annule": ["annuler"], "retire": ["retirer"],
           "partage": ["partager"], "envoie": ["envoyer"], "quand": ["quant"],
           "rajoute": ["rajouter"], "active": ["activer"], "supprime": ["supprimer"]},
}
NUMERIC_LIKE = {"two", "too", "four", "deux"}


def is_free(tok):
    return tok[1] in (None, "_det") and not tok[0].endswith("'")


def noise_drop(ctx, t):
    if len(t) <= 3:
        return t
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[0] in DROP[ctx.lang]
             and not (i > 0 and t[i - 1][0].endswith("'"))]
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    return t[:i] + t[i + 1:]


def noise_homophone(ctx, t):
    h = HOMO[ctx.lang]
    cands = []
    for i, tok in enumerate(t):
        if not is_free(tok) or tok[0] not in h:
            continue
        if i > 0 and t[i - 1][0].endswith("'"):
            continue
        cands.append(i)
    if not cands:
        return t
    i = ctx.rng.choice(cands)
    rep = ctx.rng.choice(h[t[i][0]])
    if rep in NUMERIC_LIKE:
        near = [t[j][1] for j in (i - 1, i + 1) if 0 <= j < len(t)]
        if any(x not in (None, "_det") for x in near):
            return t
    return t[:i] + toks(rep, t[i][1]) + t[i + 1:]


def noise_filler(ctx, t):
    cands = []
    for j in range(1, len(t)):
        a, b = t[j - 1], t[j]
        if a[1] == b[1] and a[1] not in (None, "_det"):
            continue
        if a[0].endswith("'") or b[1] == "_det" or a[0] in ("à", "de"):
            continue
        cands.append(j)
    if not cands:
        return t
    j = ctx.rng.choice(cands)
    return t[:j] + toks(ctx.rng.choice(FILLERS[ctx.lang]["mid"])) + t[j:]


def noise_repeat(ctx, t):
    cands = [i for i, tok in enumerate(t) if is_free(tok) and tok[1] is None]
    if not cands:
        return t
    i = 0 if (0 in cands and ctx.rng.random() < 0.4) else ctx.rng.choice(cands)
    return t[:i + 1] + [[t[i][0], None]] + t[i + 1:]


NOISE_OPS = [(noise_drop, 3), (noise_homophone, 3), (noise_filler, 2), (noise_repeat, 2)]


def apply_noise(ctx, t):
    n_ops = 1 if ctx.rng.random() < 0.7 else 2
    for _ in range(n_ops):
        op = wchoice(ctx.rng, NOISE_OPS)
        t = op(ctx, t)
    return t


# ---------------------------------------------------------------------------
# Finalisation: French elision / contraction, tags -> spans, text
# ---------------------------------------------------------------------------

CONTRACT = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def fr_fix(t):
    out, i = [], 0
    while i < len(t):
        w, tag = t[i]
        nxt = t[i + 1] if i + 1 < len(t) else None
        if tag is None and nxt is not None and nxt[1] == "_det" and (w, nxt[0]) in CONTRACT:
            out.append([CONTRACT[(w, nxt[0])], None])
            i += 2
            continue
        if tag is None and w == "de" and nxt is not None and elides(nxt[0]):
            out.append(["d'", None])
            i += 1
            continue
        out.append([w, tag])
        i += 1
    return out


def join_text(t):
    parts = []
    for i, (w, _) in enumerate(t):
        if i and not t[i - 1][0].endswith("'"):
            parts.append(" ")
        parts.append(w)
    return "".join(parts)


def spans_of(t):
    spans, cur, cur_tag = [], [], None
    for w, tag in t + [["", None]]:
        if tag is not None and tag == cur_tag:
            cur.append(w)
            continue
        if cur_tag is not None:
            spans.append([cur_tag, " ".join(cur)])
        cur, cur_tag = ([w], tag) if tag is not None else ([], None)
    return spans


def make_example(rng, intent, lang, noise_p, n_items=1, fillers=True):
    ctx = Ctx(rng, lang, intent)
    ctx.n_items = n_items
    if intent in ("confirm", "deny"):
        t = gen_short_answer(ctx)
    else:
        t = render(ctx, rng.choice(TEMPLATES[intent][lang]))
        if fillers:
            t = add_fillers(ctx, t)
    if lang == "fr":
        t = fr_fix(t)
    if rng.random() < noise_p:
        t = apply_noise(ctx, t)
        if lang == "fr":
            t = fr_fix(t)
    allowed = SLOTS_BY_INTENT[intent]
    t = [[w.lower(), tag if tag in allowed else None] for w, tag in t if w]
    spans = spans_of(t)
    items = ctx.items or [{}]
    commands = []
    for own in items:
        slots = {}
        for k in allowed:
            if k in own:
                slots[k] = own[k]
            elif k in ctx.slots:
                slots[k] = ctx.slots[k]
        if intent in LIST_DEFAULT_INTENTS and "list" not in slots:
            slots = dict(list(slots.items()) + [("list", "shopping")])
        commands.append({"intent": intent, "slots": slots})
    # consistency: spans <-> slots agree; only an item's own slots repeat, once per item
    names = [s[0] for s in spans]
    for n in set(names):
        if names.count(n) > (len(items) if n in PER_ITEM_SLOTS else 1):
            raise ValueError("duplicate span %s in %r" % (n, t))
        if not any(n in c["slots"] for c in commands):
            raise ValueError("span without slot %s in %r" % (n, t))
    for c in commands:
        for k in c["slots"]:
            if k not in names and k != "list":
                raise ValueError("slot without span %s in %r" % (k, t))
    r = {"lang": lang, "intent": intent, "text": join_text(t), "spans": spans,
         "slots": commands[0]["slots"]}
    if len(commands) > 1:
        r["commands"] = commands
    return r


PER_ITEM_SLOTS = ("item", "quantity", "unit", "brand")
# Words between two commands of one utterance ("" : a comma, which tokenising drops).
COMMAND_JOINERS = {
    "en": [("and", 30), ("and then", 12), ("then", 6), ("and also", 6), ("also", 3), ("", 8),
           ("and uh", 2), ("plus", 1), ("oh and", 2), ("after that", 1)],
    "fr": [("et", 30), ("et puis", 10), ("puis", 6), ("et aussi", 6), ("ensuite", 3), ("", 8),
           ("et euh", 2), ("aussi", 2), ("oh et", 1), ("après", 1)],
}
# Intents spoken first or later in a composed utterance (confirm/deny only open one).
COMPOSABLE = [i for i in ("add_to_list", "remove_from_list", "read_list", "clear_list", "buy",
                          "reorder", "track_order", "cancel_order", "activate_offer",
                          "check_savings", "donate", "buy_for_me", "share_product")]


def make_several_items(rng, lang, noise_p):
    intent = rng.choice(MULTI_ITEM_INTENTS)
    n = 3 if rng.random() < 0.15 else 2
    return make_example(rng, intent, lang, noise_p, n_items=n)


def make_composed(rng, lang, noise_p):
    """Two or three commands in one utterance, in spoken order, as `parts` (a non-shopping
    fragment may stand beside them; an utterance of fragments only is not made here)."""
    n = 3 if rng.random() < 0.12 else 2
    intents = [rng.choice(COMPOSABLE) for _ in range(n)]
    r = rng.random()
    if r < 0.12:
        intents[rng.randrange(n)] = "out_of_scope"
    elif r < 0.18:
        intents[0] = rng.choice(("confirm", "deny"))
    parts, words = [], []
    for k, intent in enumerate(intents):
        several = intent in MULTI_ITEM_INTENTS and rng.random() < 0.15
        ex = make_example(rng, intent, lang, noise_p, n_items=2 if several else 1,
                          fillers=k == 0)
        if k:
            words.append(wchoice(rng, COMMAND_JOINERS[lang]))
        words.append(ex["text"])
        part = {"intent": intent, "text": ex["text"], "spans": ex["spans"]}
        part["commands"] = ex.get("commands", [{"intent": intent, "slots": ex["slots"]}])
        parts.append(part)
    text = " ".join(w for w in words if w)
    commands = [c for p in parts for c in p.pop("commands") if c["intent"] != "out_of_scope"]
    return {"lang": lang, "text": text, "parts": parts, "commands": commands}


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

TEXT_RE = {"en": re.compile(r"^[a-z0-9]+(?:['-][a-z0-9]+)*'?(?: [a-z0-9]+(?:['-][a-z0-9]+)*'?)*$"),
           "fr": re.compile(r"^[a-z0-9àâäçéèêëîïôöùûüÿœæ]+(?:['-][a-z0-9àâäçéèêëîïôöùûüÿœæ]+)*'?"
                            r"(?: [a-z0-9àâäçéèêëîïôöùûüÿœæ]+(?:['-][a-z0-9àâäçéèêëîïôöùûüÿœæ]+)*'?)*$")}


def check_record(r):
    """Return a list of problems (empty when the record is valid)."""
    if "parts" in r:
        errs, pos = [], 0
        for p in r["parts"]:
            i = r["text"].find(p["text"], pos)
            if i < 0:
                errs.append("part %r not found in order" % p["text"])
            pos = max(pos, i + len(p["text"]))
            sub = {"lang": r["lang"], "intent": p["intent"], "text": p["text"],
                   "spans": p["spans"], "slots": {}}
            errs += [e for e in check_record(sub) if "slot" not in e and "list" not in e]
        return errs
    errs = []
    text = r["text"]
    if not TEXT_RE[r["lang"]].match(text.replace("' ", "'")) or "  " in text or "' " in text:
        errs.append("bad characters / spacing")
    allowed = SLOTS_BY_INTENT[r["intent"]]
    for k in r["slots"]:
        if k not in allowed:
            errs.append("slot %s not allowed for %s" % (k, r["intent"]))
    pos = 0
    for name, surf in r["spans"]:
        m = re.compile(r"(?:(?<=^)|(?<=[ ']))" + re.escape(surf) + r"(?=$| )").search(text, pos)
        if not m:
            errs.append("span %r not found as whole words after %d" % (surf, pos))
            continue
        if m.start() > 0 and text[m.start() - 1] == "'" and \
                not re.search(r"(?:^| )[a-z]+'$", text[:m.start()]):
            errs.append("span %r glued after a non-elided apostrophe" % surf)
        pos = m.end()
        v = r["slots"].get(name)
        if "commands" in r:
            values = [c["slots"].get(name) for c in r["commands"]]
            v = surf if surf in values else v
        if name in ("item", "brand", "merchant", "charity", "contact") and v != surf:
            errs.append("slot %s value %r != span %r" % (name, v, surf))
    if r["intent"] in LIST_DEFAULT_INTENTS and "list" not in r["slots"]:
        errs.append("missing default list")
    for k in ("quantity", "amount"):
        if k in r["slots"] and not isinstance(r["slots"][k], int):
            errs.append("%s not a number" % k)
    return errs


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def generate(seed, per_intent, oos_factor=3, en_ratio=0.55, noise_p=0.15,
             several_items=0, composed=0):
    rng = random.Random(seed)
    out, text_intent = [], {}
    for intent in INTENTS:
        n = per_intent * (oos_factor if intent == "out_of_scope" else 1)
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                chosen = None
                for attempt in range(10):
                    ex = make_example(rng, intent, lang, noise_p)
                    prev = text_intent.get(ex["text"])
                    if prev is None or (prev == intent and attempt >= 6):
                        chosen = ex
                        break
                if chosen is None:
                    continue
                text_intent[chosen["text"]] = intent
                out.append(chosen)
    for make, n in ((make_several_items, several_items), (make_composed, composed)):
        n_en = int(round(n * en_ratio))
        for lang, k in (("en", n_en), ("fr", n - n_en)):
            for _ in range(k):
                ex = make(rng, lang, noise_p)
                if ex["text"] not in text_intent:
                    text_intent[ex["text"]] = "several"
                    out.append(ex)
    rng.shuffle(out)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-intent", type=int, default=1500,
                    help="examples per intent (out_of_scope gets --oos-factor times this)")
    ap.add_argument("--oos-factor", type=int, default=3)
    ap.add_argument("--en-ratio", type=float, default=0.55)
    ap.add_argument("--noise", type=float, default=0.15, help="fraction with ASR-like noise")
    ap.add_argument("--several-items", type=int, default=0,
                    help="utterances naming several items under one verb")
    ap.add_argument("--composed", type=int, default=0,
                    help="utterances of two or three commands")
    ap.add_argument("--out", default="corpus.jsonl")
    ap.add_argument("--check", action="store_true", help="validate every record, exit 1 on error")
    ap.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = ap.parse_args(argv)

    data = generate(args.seed, args.per_intent, args.oos_factor, args.en_ratio, args.noise,
                    args.several_items, args.composed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")

    bad = 0
    if args.check:
        for r in data:
            errs = check_record(r)
            if errs:
                bad += 1
                if bad <= 20:
                    print("INVALID %s: %s" % (json.dumps(r, ensure_ascii=False), errs),
                          file=sys.stderr)
    if args.stats or args.check:
        counts = {}
        for r in data:
            key = (r.get("intent", "(composed)"), r["lang"])
            counts[key] = counts.get(key, 0) + 1
        print("%-18s %6s %6s" % ("intent", "en", "fr"), file=sys.stderr)
        for intent in INTENTS + ["(composed)"]:
            print("%-18s %6d %6d" % (intent, counts.get((intent, "en"), 0),
                                     counts.get((intent, "fr"), 0)), file=sys.stderr)
        print("total %d, distinct texts %d, invalid %d" %
              (len(data), len({r["text"] for r in data}), bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
