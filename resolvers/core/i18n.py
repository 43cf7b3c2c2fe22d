"""User-facing messages in the request's language: userErrors, fast-entry lines, top-level errors.

The English text is the key of CATALOGUE, which holds its French and Dutch ("vous", "u").
`tr(text, **params)` formats a message in the locale the current request chose (Accept-Language,
French by default, as for names: see resolvers.core.context.locale_from_header); GraphQLApp.get_context
sets it with `use_locale`. Outside a request (CLI, mail worker) messages are English. Error codes
never change with the locale. tests/test_messages.py fails on a message without FR or NL.
"""

from __future__ import annotations

from contextvars import ContextVar

from models import Locale

_locale: ContextVar[Locale] = ContextVar("message_locale", default=Locale.EN)


def use_locale(locale: Locale) -> Locale:
    """Messages of the current request (its task and the tasks it starts) in `locale`."""
    _locale.set(locale)
    return locale


def current_locale() -> Locale:
    """The locale messages are written in now: the request's, English outside a request."""
    return _locale.get()


def tr(text: str, **params: object) -> str:
    """`text` (English, a key of CATALOGUE) in the current locale, formatted with `params`."""
    locale = _locale.get()
    if locale != Locale.EN and text in CATALOGUE:
        text = CATALOGUE[text][0 if locale == Locale.FR else 1]
    return text.format(**params) if params else text


def N_(text: str) -> str:  # noqa: N802 - the gettext name for "translated where it is used"
    """Marks a message kept in a constant: it is passed through tr() where it is used."""
    return text


#: English -> (French, Dutch). Placeholders ({name}) are the same in the three languages.
CATALOGUE: dict[str, tuple[str, str]] = {
    # sign-in and accounts
    "The service is busy or briefly unavailable. Try again in a few seconds.": (
        "Le service est occupé ou brièvement indisponible. Réessayez dans quelques secondes.",
        "De dienst is bezet of even niet beschikbaar. Probeer het over enkele seconden opnieuw.",
    ),
    "Sign in first.": ("Connectez-vous d'abord.", "Meld u eerst aan."),
    "You are not allowed to do this.": (
        "Vous n'êtes pas autorisé à effectuer cette action.",
        "U hebt geen toestemming om dit te doen.",
    ),
    "The e-mail address or the password is wrong.": (
        "L'adresse e-mail ou le mot de passe est incorrect.",
        "Het e-mailadres of het wachtwoord is onjuist.",
    ),
    "Too many failed sign-ins: try again in 15 minutes, or choose a new password.": (
        "Trop de tentatives de connexion échouées : réessayez dans 15 minutes ou choisissez un nouveau mot de passe.",
        "Te veel mislukte aanmeldpogingen: probeer het over 15 minuten opnieuw of kies een nieuw wachtwoord.",
    ),
    "This company account is no longer active for you; ask its administrator.": (
        "Ce compte entreprise n'est plus actif pour vous ; adressez-vous à son administrateur.",
        "Dit bedrijfsaccount is voor u niet meer actief; neem contact op met de beheerder ervan.",
    ),
    "Confirm your e-mail address first (see the link we e-mailed).": (
        "Confirmez d'abord votre adresse e-mail (voir le lien que nous vous avons envoyé).",
        "Bevestig eerst uw e-mailadres (via de link die we u hebben gemaild).",
    ),
    "The current password is wrong.": ("Le mot de passe actuel est incorrect.", "Het huidige wachtwoord is onjuist."),
    "This link is invalid or has expired.": (
        "Ce lien n'est pas valide ou a expiré.",
        "Deze link is ongeldig of verlopen.",
    ),
    "This e-mail address already has an account.": (
        "Cette adresse e-mail a déjà un compte.",
        "Dit e-mailadres heeft al een account.",
    ),
    (
        "This VAT number already has an account: ask your administrator, request access with your "
        "customer number, or report abuse."
    ): (
        "Ce numéro de TVA a déjà un compte : adressez-vous à votre administrateur, demandez l'accès avec votre "
        "numéro de client ou signalez un abus.",
        "Dit btw-nummer heeft al een account: vraag het uw beheerder, vraag toegang aan met uw klantnummer "
        "of meld misbruik.",
    ),
    "Choose at least one work domain.": (
        "Choisissez au moins un domaine d'activité.",
        "Kies minstens één activiteitendomein.",
    ),
    "You already belong to this account.": (
        "Vous faites déjà partie de ce compte.",
        "U maakt al deel uit van dit account.",
    ),
    "Sign in or give the user to create.": (
        "Connectez-vous ou indiquez l'utilisateur à créer.",
        "Meld u aan of geef de aan te maken gebruiker op.",
    ),
    "This customer number and VAT number do not match an account.": (
        "Ce numéro de client et ce numéro de TVA ne correspondent à aucun compte.",
        "Dit klantnummer en dit btw-nummer komen met geen enkel account overeen.",
    ),
    "This person already has a membership of this company; activate or reactivate it instead.": (
        "Cette personne a déjà un accès à cette entreprise ; activez-le ou réactivez-le plutôt.",
        "Deze persoon is al lid van dit bedrijf; activeer of heractiveer dat lidmaatschap.",
    ),
    "Ask another administrator to change your membership.": (
        "Demandez à un autre administrateur de modifier votre accès.",
        "Vraag een andere beheerder om uw lidmaatschap te wijzigen.",
    ),
    "Not possible for a membership that is {status}.": (
        "Impossible pour un accès au statut {status}.",
        "Niet mogelijk voor een lidmaatschap met status {status}.",
    ),
    "The company must keep at least one active administrator.": (
        "L'entreprise doit garder au moins un administrateur actif.",
        "Het bedrijf moet minstens één actieve beheerder behouden.",
    ),
    "No such customer number in this company.": (
        "Ce numéro de client n'existe pas dans cette entreprise.",
        "Dit klantnummer bestaat niet bij dit bedrijf.",
    ),
    # checked values
    "This value is required.": ("Cette valeur est obligatoire.", "Deze waarde is verplicht."),
    "At most {count} characters.": ("{count} caractères au maximum.", "Maximaal {count} tekens."),
    "At most 256 characters.": ("256 caractères au maximum.", "Maximaal 256 tekens."),
    "This is not a valid e-mail address.": (
        "Cette adresse e-mail n'est pas valide.",
        "Dit is geen geldig e-mailadres.",
    ),
    "This VAT number is not valid.": ("Ce numéro de TVA n'est pas valide.", "Dit btw-nummer is ongeldig."),
    "Use at least {count} characters.": ("Utilisez au moins {count} caractères.", "Gebruik minstens {count} tekens."),
    "The password may not be your e-mail address.": (
        "Le mot de passe ne peut pas être votre adresse e-mail.",
        "Het wachtwoord mag niet uw e-mailadres zijn.",
    ),
    "We deliver in BE, NL, LU, FR and DE.": (
        "Nous livrons en BE, NL, LU, FR et DE.",
        "We leveren in BE, NL, LU, FR en DE.",
    ),
    "This postal code is not valid for the country.": (
        "Ce code postal n'est pas valide pour ce pays.",
        "Deze postcode is niet geldig voor dit land.",
    ),
    "Not found.": ("Introuvable.", "Niet gevonden."),
    "A code may not contain spaces, quotes, ';' or ','.": (
        "Un code ne peut contenir ni espace, ni guillemet, ni « ; », ni « , ».",
        "Een code mag geen spaties, aanhalingstekens, ';' of ',' bevatten.",
    ),
    "{code} is the SKU or EAN of another product ({sku}).": (
        "{code} est le SKU ou l'EAN d'un autre produit ({sku}).",
        "{code} is de SKU of EAN van een ander product ({sku}).",
    ),
    "At most {count} codes per call.": ("{count} codes au maximum par appel.", "Maximaal {count} codes per oproep."),
    "Invalid cursor.": ("Curseur non valide.", "Ongeldige cursor."),
    "first must be between 1 and {maximum}.": (
        "first doit être compris entre 1 et {maximum}.",
        "first moet tussen 1 en {maximum} liggen.",
    ),
    "The period's start (from) must not be after its end (to).": (
        "Le début de la période (from) ne peut pas être postérieur à sa fin (to).",
        "Het begin van de periode (from) mag niet na het einde (to) liggen.",
    ),
    "A period is at most {days} days.": (
        "Une période compte au maximum {days} jours.",
        "Een periode telt maximaal {days} dagen.",
    ),
    "At most {count} lines per call.": ("{count} lignes au maximum par appel.", "Maximaal {count} regels per oproep."),
    "At most {count} lines at once.": ("{count} lignes au maximum à la fois.", "Maximaal {count} regels tegelijk."),
    # products, quantities and lines
    "No product has this id.": ("Aucun produit n'a cet identifiant.", "Geen enkel product heeft deze id."),
    "No product has this id or code.": (
        "Aucun produit n'a cet identifiant ou ce code.",
        "Geen enkel product heeft deze id of code.",
    ),
    "Give a productId or a code.": ("Indiquez un productId ou un code.", "Geef een productId of een code op."),
    "Give a product id or a code.": (
        "Indiquez un identifiant de produit ou un code.",
        "Geef een product-id of een code op.",
    ),
    "Unknown product code {code}.": ("Code produit inconnu {code}.", "Onbekende productcode {code}."),
    "{sku} cannot be ordered.": ("{sku} ne peut pas être commandé.", "{sku} kan niet besteld worden."),
    "This product can no longer be ordered.": (
        "Ce produit ne peut plus être commandé.",
        "Dit product kan niet meer besteld worden.",
    ),
    "{sku}: {problem}": ("{sku} : {problem}", "{sku}: {problem}"),
    "The quantity must be positive.": ("La quantité doit être positive.", "De hoeveelheid moet positief zijn."),
    "The quantity is too large.": ("La quantité est trop grande.", "De hoeveelheid is te groot."),
    "The quantity may have at most {places} decimals.": (
        "La quantité peut avoir au maximum {places} décimales.",
        "De hoeveelheid mag hoogstens {places} decimalen hebben.",
    ),
    "The minimum quantity is {minimum}.": (
        "La quantité minimale est de {minimum}.",
        "De minimumhoeveelheid is {minimum}.",
    ),
    "The quantity must be a multiple of {multiple}.": (
        "La quantité doit être un multiple de {multiple}.",
        "De hoeveelheid moet een veelvoud van {multiple} zijn.",
    ),
    "in the cart": ("dans le panier", "in het winkelmandje"),
    "on the list": ("sur la liste", "op de lijst"),
    "With the {quantity} already {held}: {problem}": (
        "Avec les {quantity} déjà {held} : {problem}",
        "Samen met de {quantity} die al {held} staan: {problem}",
    ),
    "Summed over the lines of this product: {problem}": (
        "Quantités de ce produit additionnées : {problem}",
        "Opgeteld over de regels van dit product: {problem}",
    ),
    "This line is given twice.": ("Cette ligne est indiquée deux fois.", "Deze regel is twee keer opgegeven."),
    "Add at least one line.": ("Ajoutez au moins une ligne.", "Voeg minstens één regel toe."),
    # fast entry and pasted text
    "Fast entry is not enabled for this account.": (
        "La saisie rapide n'est pas activée pour ce compte.",
        "Snelinvoer is niet ingeschakeld voor dit account.",
    ),
    "Give a code and a quantity.": ("Indiquez un code et une quantité.", "Geef een code en een hoeveelheid op."),
    "{value} is not a quantity.": ("{value} n'est pas une quantité.", "{value} is geen hoeveelheid."),
    "line {numbers}": ("la ligne {numbers}", "regel {numbers}"),
    "lines {numbers}": ("les lignes {numbers}", "regels {numbers}"),
    "Added to line {line}.": ("Ajouté à la ligne {line}.", "Toegevoegd aan regel {line}."),
    "Quantity summed with {lines}.": ("Quantité additionnée avec {lines}.", "Hoeveelheid opgeteld bij {lines}."),
    "Summed with {lines}: ": ("Additionné avec {lines} : ", "Opgeteld bij {lines}: "),
    # delivery, cart and submission
    "Choose a delivery address or a pickup branch.": (
        "Choisissez une adresse de livraison ou une agence d'enlèvement.",
        "Kies een leveradres of een afhaalfiliaal.",
    ),
    "A branch is only for pickup.": ("Une agence ne sert qu'à l'enlèvement.", "Een filiaal is alleen voor afhaling."),
    "Give either a delivery customer number (shipToId) or a one-time address, not both.": (
        "Indiquez soit un numéro de client de livraison (shipToId), soit une adresse ponctuelle, pas les deux.",
        "Geef een leverklantnummer (shipToId) of een eenmalig adres op, niet allebei.",
    ),
    "A pickup takes a branch, not a delivery address.": (
        "Un enlèvement se fait dans une agence, pas à une adresse de livraison.",
        "Bij afhaling kiest u een filiaal, geen leveradres.",
    ),
    "Choose the branch for the pickup.": ("Choisissez l'agence d'enlèvement.", "Kies het afhaalfiliaal."),
    "The requested date is in the past.": (
        "La date demandée est dans le passé.",
        "De gevraagde datum ligt in het verleden.",
    ),
    "An idempotency key is required.": (
        "Une clé d'idempotence est obligatoire.",
        "Een idempotentiesleutel is verplicht.",
    ),
    "This idempotency key was already used for another request.": (
        "Cette clé d'idempotence a déjà servi pour une autre demande.",
        "Deze idempotentiesleutel werd al voor een ander verzoek gebruikt.",
    ),
    "This account has no customer number yet.": (
        "Ce compte n'a pas encore de numéro de client.",
        "Dit account heeft nog geen klantnummer.",
    ),
    "There is nothing to submit.": ("Il n'y a rien à envoyer.", "Er is niets om in te dienen."),
    "You may no longer deliver to the cart's address; choose another.": (
        "Vous ne pouvez plus vous faire livrer à l'adresse du panier ; choisissez-en une autre.",
        "U kunt niet meer laten leveren op het adres van het winkelmandje; kies een ander adres.",
    ),
    "Your cart is empty.": ("Votre panier est vide.", "Uw winkelmandje is leeg."),
    "Choose the company account the list is for.": (
        "Choisissez le compte entreprise auquel la liste est destinée.",
        "Kies het bedrijfsaccount waarvoor de lijst bedoeld is.",
    ),
    # quotes
    "A quote with status {status} cannot be declined.": (
        "Un devis au statut {status} ne peut pas être refusé.",
        "Een offerte met status {status} kan niet geweigerd worden.",
    ),
    "The validity date cannot be in the past.": (
        "La date de validité ne peut pas être dans le passé.",
        "De geldigheidsdatum mag niet in het verleden liggen.",
    ),
    "This quote has just changed.": ("Ce devis vient d'être modifié.", "Deze offerte is net gewijzigd."),
    "Only a requested quote can be priced.": (
        "Seul un devis demandé peut être chiffré.",
        "Alleen een aangevraagde offerte kan van prijzen worden voorzien.",
    ),
    "This is not the company of the quote.": (
        "Ce n'est pas l'entreprise du devis.",
        "Dit is niet het bedrijf van de offerte.",
    ),
    "Give a quote to price or a company.": (
        "Indiquez un devis à chiffrer ou une entreprise.",
        "Geef een offerte op die geprijsd moet worden, of een bedrijf.",
    ),
    "This quote has just been priced.": ("Ce devis vient d'être chiffré.", "Deze offerte is net van prijzen voorzien."),
    "This quote has not been priced yet.": (
        "Ce devis n'a pas encore été chiffré.",
        "Deze offerte is nog niet van prijzen voorzien.",
    ),
    "This quote has expired.": ("Ce devis a expiré.", "Deze offerte is verlopen."),
    "This quote has already been accepted.": ("Ce devis a déjà été accepté.", "Deze offerte is al aanvaard."),
    "This quote was declined.": ("Ce devis a été refusé.", "Deze offerte werd geweigerd."),
    "This quote is not active.": ("Ce devis n'est pas actif.", "Deze offerte is niet actief."),
    "A unit price from 0 to 99999999, at most 4 decimals.": (
        "Un prix unitaire de 0 à 99999999, avec 4 décimales au maximum.",
        "Een eenheidsprijs van 0 tot 99999999, met hoogstens 4 decimalen.",
    ),
    # requests, scan lists, validation and the back office
    "Ask for a BILL_TO or SHIP_TO number; an account has one SOLD_TO.": (
        "Demandez un numéro BILL_TO ou SHIP_TO ; un compte a un seul SOLD_TO.",
        "Vraag een BILL_TO- of SHIP_TO-nummer aan; een account heeft één SOLD_TO.",
    ),
    "Give an e-mail address to answer to.": (
        "Indiquez l'adresse e-mail à laquelle vous répondre.",
        "Geef een e-mailadres op waarop we u kunnen antwoorden.",
    ),
    "A scan list needs at least one line.": (
        "Une liste de scan doit avoir au moins une ligne.",
        "Een scanlijst heeft minstens één regel nodig.",
    ),
    "Scan at least one article.": ("Scannez au moins un article.", "Scan minstens één artikel."),
    "This scan list is already approved.": (
        "Cette liste de scan est déjà approuvée.",
        "Deze scanlijst is al goedgekeurd.",
    ),
    "A validation list with status {status} cannot change any more.": (
        "Une liste de validation au statut {status} ne peut plus changer.",
        "Een validatielijst met status {status} kan niet meer wijzigen.",
    ),
    "This validation list has changed (version {version}); reload it and decide again.": (
        "Cette liste de validation a changé (version {version}) ; rechargez-la et décidez à nouveau.",
        "Deze validatielijst is gewijzigd (versie {version}); laad ze opnieuw en beslis opnieuw.",
    ),
    "A company has one SOLD_TO number; add BILL_TO or SHIP_TO.": (
        "Une entreprise a un seul numéro SOLD_TO ; ajoutez un BILL_TO ou un SHIP_TO.",
        "Een bedrijf heeft één SOLD_TO-nummer; voeg een BILL_TO of SHIP_TO toe.",
    ),
    "This company has already been decided.": (
        "Une décision a déjà été prise pour cette entreprise.",
        "Over dit bedrijf is al beslist.",
    ),
    "This request has already been decided.": (
        "Une décision a déjà été prise pour cette demande.",
        "Over deze aanvraag is al beslist.",
    ),
    "This ticket is already resolved.": ("Ce ticket est déjà résolu.", "Dit ticket is al opgelost."),
    # webhooks
    "Choose at least one event type.": (
        "Choisissez au moins un type d'événement.",
        "Kies minstens één soort gebeurtenis.",
    ),
    "At most {count} event types.": ("Au plus {count} types d'événement.", "Hoogstens {count} soorten gebeurtenissen."),
    "This URL is not allowed: use https to a public address.": (
        "Cette URL n'est pas autorisée : utilisez https vers une adresse publique.",
        "Deze URL is niet toegestaan: gebruik https naar een openbaar adres.",
    ),
    "This is not a valid http or https URL.": (
        "Ce n'est pas une URL http ou https valide.",
        "Dit is geen geldige http- of https-URL.",
    ),
    # API clients and rate limits
    "This API key is unknown, revoked or expired.": (
        "Cette clé d'API est inconnue, révoquée ou expirée.",
        "Deze API-sleutel is onbekend, ingetrokken of verlopen.",
    ),
    "Too many requests this minute: try again in {seconds} s.": (
        "Trop de requêtes cette minute : réessayez dans {seconds} s.",
        "Te veel verzoeken deze minuut: probeer het over {seconds} s opnieuw.",
    ),
    "The queries of this minute cost too much: try again in {seconds} s.": (
        "Les requêtes de cette minute coûtent trop : réessayez dans {seconds} s.",
        "De query's van deze minuut kosten te veel: probeer het over {seconds} s opnieuw.",
    ),
    "Choose an expiry date in the future.": (
        "Choisissez une date d'expiration future.",
        "Kies een vervaldatum in de toekomst.",
    ),
    "Not allowed for this kind of API client.": (
        "Non permis pour ce type de client d'API.",
        "Niet toegestaan voor dit soort API-client.",
    ),
    "Give a distributor client at least one scope.": (
        "Donnez au moins une portée au client du distributeur.",
        "Geef een client van de verdeler minstens één scope.",
    ),
    "Give a company client its role.": (
        "Donnez son rôle au client de l'entreprise.",
        "Geef de bedrijfsclient zijn rol.",
    ),
    # invoices, payments and credit (the ERP's writes)
    "Enter an amount greater than 0.": ("Indiquez un montant supérieur à 0.", "Geef een bedrag groter dan 0 op."),
    "Enter an amount of 0 or more.": ("Indiquez un montant de 0 ou plus.", "Geef een bedrag van 0 of meer op."),
    "This amount is too large.": ("Ce montant est trop élevé.", "Dit bedrag is te groot."),
    "Use at most 2 decimals.": ("Utilisez au plus 2 décimales.", "Gebruik hoogstens 2 decimalen."),
    "This invoice number was already recorded with other data.": (
        "Ce numéro de facture a déjà été enregistré avec d'autres données.",
        "Dit factuurnummer werd al met andere gegevens geregistreerd.",
    ),
    "This payment reference was already recorded with other data.": (
        "Cette référence de paiement a déjà été enregistrée avec d'autres données.",
        "Deze betalingsreferentie werd al met andere gegevens geregistreerd.",
    ),
    "A cancelled order cannot be invoiced.": (
        "Une commande annulée ne peut pas être facturée.",
        "Een geannuleerde bestelling kan niet gefactureerd worden.",
    ),
    "The due date cannot be before the issue date.": (
        "L'échéance ne peut pas précéder la date de facture.",
        "De vervaldatum kan niet vóór de factuurdatum liggen.",
    ),
    "The amount is more than the invoice's open amount ({amount}).": (
        "Le montant dépasse le solde ouvert de la facture ({amount}).",
        "Het bedrag is hoger dan het openstaande bedrag van de factuur ({amount}).",
    ),
    # what the ERP writes back: order statuses, shipments, stock
    "The quantity must not be negative.": (
        "La quantité ne peut pas être négative.",
        "De hoeveelheid mag niet negatief zijn.",
    ),
    "The order is changing right now; send it again.": (
        "La commande est en cours de modification ; envoyez-la à nouveau.",
        "De bestelling wordt op dit moment gewijzigd; verstuur het opnieuw.",
    ),
    "This order already has the ERP reference {reference}.": (
        "Cette commande a déjà la référence ERP {reference}.",
        "Deze bestelling heeft al de ERP-referentie {reference}.",
    ),
    "Another order already has this ERP reference.": (
        "Une autre commande a déjà cette référence ERP.",
        "Een andere bestelling heeft deze ERP-referentie al.",
    ),
    "An order cannot go from {before} to {after}.": (
        "Une commande ne peut pas passer de {before} à {after}.",
        "Een bestelling kan niet van {before} naar {after} gaan.",
    ),
    "This order has changed (version {version}); reload it and try again.": (
        "Cette commande a changé (version {version}) ; rechargez-la et réessayez.",
        "Deze bestelling is gewijzigd (versie {version}); laad ze opnieuw en probeer het nog eens.",
    ),
    "Only http and https links are accepted.": (
        "Seuls les liens http et https sont acceptés.",
        "Alleen http- en https-links worden aanvaard.",
    ),
    "This is not a valid link.": ("Ce lien n'est pas valide.", "Dit is geen geldige link."),
    "A shipment has at least one line.": (
        "Une expédition compte au moins une ligne.",
        "Een zending heeft minstens één regel.",
    ),
    "This order line is already in this shipment.": (
        "Cette ligne de commande figure déjà dans cette expédition.",
        "Deze bestelregel staat al in deze zending.",
    ),
    "This delivery-note number was already recorded with other data.": (
        "Ce numéro de bon de livraison a déjà été enregistré avec d'autres données.",
        "Dit leveringsbonnummer werd al met andere gegevens geregistreerd.",
    ),
    "A {status} order ships nothing more.": (
        "Une commande {status} n'expédie plus rien.",
        "Een bestelling met status {status} verzendt niets meer.",
    ),
    "Only {open} of this line are still open.": (
        "Il ne reste que {open} à expédier sur cette ligne.",
        "Op deze regel staat nog slechts {open} open.",
    ),
    "This shipment's delivery was already recorded with other data.": (
        "La livraison de cette expédition a déjà été enregistrée avec d'autres données.",
        "De levering van deze zending werd al met andere gegevens geregistreerd.",
    ),
    "A shipment cannot be delivered before it shipped.": (
        "Une expédition ne peut pas être livrée avant d'avoir été expédiée.",
        "Een zending kan niet geleverd zijn voor ze verzonden werd.",
    ),
    "This product and branch are already in this call.": (
        "Ce produit et cette agence figurent déjà dans cet appel.",
        "Dit product en dit filiaal staan al in deze oproep.",
    ),
    "This date is out of range.": ("Cette date est hors limites.", "Deze datum valt buiten het bereik."),
    "At most {count} rows per call.": ("{count} lignes au maximum par appel.", "Maximaal {count} rijen per oproep."),
}
