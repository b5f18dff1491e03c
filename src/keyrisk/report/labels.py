"""Every word of the deliverable, in French and English, and the number formatting of each.

:func:`t` returns a label by key; :func:`percent`, :func:`number` and :func:`money` format
numbers the way each language writes them (French: decimal comma, a no-break space as thousands
separator and before ``%`` and ``€``); :func:`headline` builds the one-sentence headline in
either language from the facts of :func:`keyrisk.analysis.headline_facts`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from keyrisk.errors import UsageError

if TYPE_CHECKING:
    from keyrisk.analysis import Headline
    from keyrisk.portfolio import BusFactor

__all__ = [
    "LABELS",
    "LANGS",
    "NBSP",
    "bus_method",
    "check_lang",
    "headline",
    "join_names",
    "money",
    "number",
    "percent",
    "t",
]

#: The languages of the report.
LANGS = ("fr", "en")
#: No-break space: French thousands separator and space before ``%`` and ``€``.
NBSP = "\u00a0"

_FR: dict[str, str] = {
    # sheets
    "sheet.summary": "Synthèse",
    "sheet.accounts": "Comptes",
    "sheet.staff": "Équipe",
    "sheet.scenarios": "Scénarios",
    "sheet.clients": "Clients",
    "sheet.quality": "Qualité des données",
    "sheet.method": "Méthode",
    # summary
    "summary.title": "Dépendance de la relation client aux personnes clés",
    "summary.as_of": "Situation au {as_of}",
    "summary.no_as_of": "Données sans date",
    "summary.caveat": "Attention : {message}",
    # print and hand-over
    "print.confidential": "Confidentiel",
    "print.page": "page {page} / {pages}",
    "print.prepared_by": "Préparé par {author}",
    "error.locked": (
        "{name} est ouvert dans un autre programme et ne peut pas être remplacé : "
        "fermez {name} dans Excel et relancez (le rapport précédent est inchangé)."
    ),
    "error.write": (
        "Impossible d'écrire le rapport dans {folder} : {reason}. "
        "Rien n'a été modifié dans ce dossier."
    ),
    "error.disk_full": "disque plein",
    "block.key_figures": "Chiffres clés",
    "block.next_steps": "Que faire maintenant",
    "block.parameters": "Paramètres utilisés",
    "block.coverage": "Couverture des données",
    "block.metadata": "À propos de ce rapport",
    "block.notice": "Finalité et protection des données",
    "kv.figure": "Indicateur",
    "kv.value": "Valeur",
    "kv.signal": "Signal",
    "kv.comment": "Commentaire",
    # key figures
    "kf.total_revenue": "Chiffre d'affaires analysé",
    "kf.total_revenue.count": "Comptes analysés",
    "kf.accounts": "Comptes clients",
    "kf.staff": "Collaborateurs (actifs / total)",
    "kf.revenue_bus_factor": "Facteur d'autobus (chiffre d'affaires)",
    "kf.revenue_bus_factor.count": "Facteur d'autobus (portefeuille)",
    "kf.account_bus_factor": "Facteur d'autobus (nombre de comptes)",
    "kf.single_holder": "Part du CA portée par une seule personne, ou aucune",
    "kf.single_holder.count": "Part des comptes portés par une seule personne, ou aucune",
    "kf.orphaned_accounts": "Comptes orphelins (plus aucun détenteur actif)",
    "kf.orphaned_revenue": "CA des comptes orphelins",
    "kf.orphaned_revenue.count": "Part des comptes orphelins",
    "kf.top_departure": "Départ le plus coûteux (part du CA à risque)",
    "kf.top_departure.count": "Départ le plus coûteux (part des comptes à risque)",
    "kf.top_pair": "Binôme le plus coûteux (part du CA à risque)",
    "kf.top_pair.count": "Binôme le plus coûteux (part des comptes à risque)",
    "kf.client_hhi": "Concentration de la clientèle (IHH)",
    "kf.elephant": "Facteur éléphant (clients faisant 50 % du CA)",
    "kf.top1": "Part du premier client",
    "kf.top5": "Part des 5 premiers clients",
    "note.bus": "{people} : {share} orphelin après leur départ (cible {target}) ; méthode {method}",
    "note.bus_zero": "Les comptes déjà orphelins représentent {share} (cible {target})",
    "note.bus_none": "Même le départ de tous les actifs n'atteint pas la cible de {target}",
    "note.lower_bound": "borne supérieure ; borne inférieure : {lower}",
    "note.departure": "{people} : {amount}, {n} compte(s) sans détenteur",
    "note.none": "aucun",
    "note.orphaned": "{amount} ({share}) ; le plus gros : {largest}",
    "note.single_holder": "comptes dont le facteur d'autobus vaut 0 ou 1",
    "note.hhi": "États-Unis 2023 : {us} ; UE 2004 : {eu}",
    "note.elephant": "sur {n} clients facturés",
    "note.top1": "{name}",
    "note.large_clients": "{n} client(s) à 10 % ou plus du CA (seuil IFRS 8)",
    "method.exact": "exacte",
    "method.greedy upper bound": "recherche gloutonne (borne supérieure)",
    "method.greedy": "recherche gloutonne",
    "method.trivial": "atteinte sans départ",
    "bus.not_reached": "non atteint",
    "value.not_available": "n.d.",
    # traffic lights
    "light.red": "Critique",
    "light.orange": "Élevé",
    "light.yellow": "À surveiller",
    "light.green": "Satisfaisant",
    # risk levels and statuses
    "risk.critical": "critique",
    "risk.dormant": "en sommeil",
    "risk.high": "élevé",
    "risk.medium": "moyen",
    "risk.low": "faible",
    "yes": "oui",
    "no": "non",
    "status.active": "actif",
    "status.gone": "parti",
    "gone.end date": "date de sortie passée",
    "gone.inactive": "inactif depuis {days} jours",
    "gone.active flag": "déclaré inactif",
    "source.accounts table": "fichier clients",
    "source.amounts": "montants (commandes, factures)",
    "source.unknown": "inconnu",
    "severity.error": "erreur",
    "severity.warning": "avertissement",
    "severity.info": "information",
    "role.interactions": "activités",
    "role.accounts": "clients",
    "role.staff": "équipe",
    "role.lines": "lignes de factures",
    "kind.staff": "collaborateur",
    "kind.account": "compte",
    "band.unconcentrated": "non concentré",
    "band.moderately concentrated": "modérément concentré",
    "band.highly concentrated": "fortement concentré",
    "band.low (HHI < 1000)": "faible (IHH < 1 000)",
    "band.medium (1000 <= HHI <= 2000)": "moyen (1 000 ≤ IHH ≤ 2 000)",
    "band.high (HHI > 2000)": "élevé (IHH > 2 000)",
    "band.n/a": "n.d.",
    # next steps
    "todo.backup": (
        "Nommer un second détenteur pour les {n} comptes qui ne reposent que sur {name} "
        "({amount}, {share} du CA), en commençant par {first}."
    ),
    "todo.backup.count": (
        "Nommer un second détenteur pour les {n} comptes qui ne reposent que sur {name} "
        "({share} des comptes), en commençant par {first}."
    ),
    "todo.backup1": (
        "Nommer un second détenteur pour le compte qui ne repose que sur {name} : {first} "
        "({amount}, {share} du CA)."
    ),
    "todo.backup1.count": (
        "Nommer un second détenteur pour le compte qui ne repose que sur {name} : {first}."
    ),
    "todo.orphaned": (
        "Réattribuer sans attendre les {n} comptes orphelins ({amount}), à commencer par {first}."
    ),
    "todo.orphaned1": "Réattribuer sans attendre le compte orphelin {first} ({amount}).",
    "todo.orphaned.count": (
        "Réattribuer sans attendre les {n} comptes orphelins, à commencer par {first}."
    ),
    "todo.orphaned1.count": "Réattribuer sans attendre le compte orphelin {first}.",
    "todo.orphaned_norev": (
        "Donner un détenteur aux {n} comptes orphelins, sans chiffre d'affaires enregistré sur "
        "la période, à commencer par {first}."
    ),
    "todo.orphaned_norev1": (
        "Donner un détenteur au compte orphelin {first}, sans chiffre d'affaires enregistré sur "
        "la période."
    ),
    "todo.candidates": " Candidats d'après les données : {people}.",
    "todo.candidate.contact": "{name}{role}, déjà en contact avec {k} de ces comptes",
    "todo.candidate.contact1": "{name}{role}, déjà en contact avec ce compte",
    "todo.candidate.department": "{name}{role}, du même service ({department})",
    "todo.candidate.role": "{name}{role}, même métier",
    "todo.history": (
        "Faire écrire par {people} l'historique de leurs comptes clés (enjeux, interlocuteurs, "
        "engagements pris) dans le CRM, là où les autres peuvent le lire."
    ),
    "todo.history1": (
        "Faire écrire par {people} l'historique de ses comptes clés (enjeux, interlocuteurs, "
        "engagements pris) dans le CRM, là où les autres peuvent le lire."
    ),
    "todo.involve": (
        "Associer {people}, qui travaillent déjà sur {accounts} sans en être détenteurs, comme "
        "seconds interlocuteurs de ces comptes."
    ),
    "todo.involve1": (
        "Associer {people}, qui travaille déjà sur {accounts} sans en être détenteur, comme "
        "second interlocuteur."
    ),
    "todo.involve.accounts": "{n} comptes à détenteur unique",
    "todo.involve.accounts1": "un compte à détenteur unique",
    "todo.clients": (
        "Suivre de près les clients à 10 % ou plus du CA ({names}) : deux interlocuteurs "
        "connus du client au minimum."
    ),
    "todo.more": "{names} et {k} autres",
    "todo.crm": (
        "Refaire cette mesure dans 3 mois et vérifier qui enregistre son activité dans le CRM "
        "(à 1, 3 et 6 mois)."
    ),
    # parameters
    "param.as_of": "Date d'analyse (as_of)",
    "param.window_days": "Fenêtre d'observation (jours)",
    "param.half_life_days": "Demi-vie d'une interaction (jours)",
    "param.kind_weights": "Poids par type d'interaction",
    "param.holder_ratio": "Seuil de détention (part du poids maximal)",
    "param.min_interactions": "Interactions minimales d'un détenteur secondaire",
    "param.inactive_days": "Inactivité valant départ (jours)",
    "param.revenue_days": "Période du CA calculé (jours)",
    "param.coverage": "Part du CA visée par le facteur d'autobus",
    "param.exact_time_limit": "Temps accordé au calcul exact (s)",
    "param.max_new_backups": "Nouveaux comptes confiés au plus par personne (plan)",
    "param.capacity_ratio": "Charge maximale (multiple de la médiane des comptes détenus)",
    "param.turnover_rate": "Probabilité annuelle de départ (simulation)",
    "param.draws": "Tirages de la simulation",
    "param.seed": "Graine de la simulation",
    "param.none": "aucune",
    "param.all_one": "1 pour chaque type",
    # coverage
    "cov.files": "Fichiers lus",
    "cov.read": "Lignes lues",
    "cov.used": "Lignes utilisées",
    "cov.skipped": "Lignes ignorées (totaux, doublons...)",
    "cov.rejected": "Lignes rejetées",
    "cov.period": "Période couverte par les activités",
    "cov.period_value": "du {start} au {end}",
    "cov.as_of": "Date d'analyse",
    "cov.interactions": "Interactions retenues",
    "cov.problems": "Anomalies signalées",
    "cov.basis": "Base des montants",
    "basis.revenue": "chiffre d'affaires",
    "basis.count": "nombre de comptes (aucun CA connu)",
    # metadata
    "meta.tool": "Outil",
    "meta.version": "keyrisk {version}",
    "meta.run_date": "Rapport produit le",
    "meta.as_of": "Données arrêtées au",
    "meta.pseudonymised": "Noms des collaborateurs pseudonymisés",
    "meta.file": "Fichier d'entrée",
    "meta.sha": "SHA-256 : {sha}",
    "meta.language": "Langue",
    "meta.language_value": "français",
    "notice.1": (
        "Ce rapport mesure un risque organisationnel : la dépendance de la relation client à "
        "quelques personnes. Il n'évalue pas la performance individuelle et ne doit pas servir "
        "à noter ou sanctionner quiconque."
    ),
    "notice.2": (
        "RGPD : minimisation des données (seuls les noms, dates et montants nécessaires sont "
        "lus), limitation de la finalité (continuité de la relation client), diffusion "
        "restreinte aux personnes qui en ont besoin ; pseudonymiser les noms si le rapport "
        "circule plus largement."
    ),
    # accounts
    "col.account": "Compte",
    "col.risk_level": "Niveau de risque",
    "col.revenue": "Chiffre d'affaires",
    "col.revenue.count": "Chiffre d'affaires (inconnu)",
    "col.revenue_share": "Part du CA",
    "col.revenue_share.count": "Part des comptes",
    "col.bus_factor": "Facteur d'autobus",
    "col.holders": "Détenteurs actifs",
    "col.top_staff": "Interlocuteur principal",
    "col.top_share": "Part de l'interlocuteur principal",
    "col.n_contacts": "Collaborateurs en contact",
    "col.effective_contacts": "Interlocuteurs effectifs",
    "col.hhi": "IHH des contacts",
    "col.gone_holders": "Détenteurs partis",
    "col.orphaned": "Orphelin",
    "col.last_contact": "Dernier contact",
    "col.pipeline": "Pipeline en cours",
    "col.owner": "Responsable (fichier)",
    "col.segment": "Segment",
    "col.revenue_source": "Source du CA",
    # staff
    "col.staff": "Collaborateur",
    "col.role": "Poste",
    "col.department": "Service",
    "col.status": "Statut",
    "col.gone_reason": "Motif du départ",
    "col.last_activity": "Dernière activité",
    "col.n_accounts": "Comptes touchés",
    "col.n_held": "Comptes détenus",
    "col.n_sole": "Comptes détenus seul",
    "col.revenue_held": "CA détenu",
    "col.revenue_held.count": "Comptes détenus (nombre)",
    "col.revenue_sole": "CA détenu seul",
    "col.revenue_sole.count": "Comptes détenus seul (nombre)",
    "col.sole_share": "Part du CA détenue seul",
    "col.sole_share.count": "Part des comptes détenus seul",
    "col.revenue_weighted": "CA pondéré par la part de relation",
    "col.revenue_weighted.count": "Comptes pondérés par la part de relation",
    "col.accounts_sole": "Comptes détenus seul (principaux)",
    # scenarios
    "block.top_departures": "Départs individuels les plus coûteux",
    "block.top_pair": "Le binôme le plus coûteux",
    "block.bus_steps": "Les personnes du facteur d'autobus, dans l'ordre de départ",
    "col.rank": "Rang",
    "col.revenue_at_risk": "CA à risque",
    "col.revenue_at_risk.count": "Comptes à risque",
    "col.share": "Part du total",
    "col.accounts_orphaned": "Comptes rendus orphelins",
    "col.step": "Étape",
    "col.leaves": "Départ de",
    "col.cumulative": "CA orphelin cumulé",
    "col.cumulative.count": "Comptes orphelins cumulés",
    "col.cumulative_share": "Part cumulée",
    "col.target_reached": "Cible atteinte",
    "step.already": "comptes déjà orphelins",
    "pair.people": "Binôme",
    "pair.revenue": "CA à risque",
    "pair.revenue.count": "Comptes à risque",
    "pair.share": "Part du total",
    "pair.accounts": "Comptes rendus orphelins",
    "pair.pipeline": "Pipeline en cours sur ces comptes",
    "pair.none": "Aucun binôme ne met de CA à risque.",
    # clients
    "block.concentration": "Concentration de la clientèle",
    "block.large_clients": "Clients à 10 % ou plus du CA (seuil IFRS 8)",
    "block.shares": "Parts de CA par client (les {n} premiers)",
    "conc.hhi": "IHH clients",
    "conc.points": "IHH en points (× 10 000)",
    "conc.us": "Lignes directrices américaines 2023",
    "conc.eu": "Lignes directrices européennes 2004",
    "conc.top1": "Part du premier client",
    "conc.top5": "Part des 5 premiers clients",
    "conc.elephant": "Facteur éléphant",
    "conc.n_clients": "Clients facturés",
    "conc.count_basis": "Aucun chiffre d'affaires connu : la concentration n'est pas mesurable.",
    "conc.none_large": "Aucun client n'atteint 10 % du CA.",
    "col.client": "Client",
    "col.cum_share": "Part cumulée",
    # quality
    "block.files": "Fichiers lus",
    "block.mapping": "Colonnes reconnues",
    "block.problems": "Anomalies",
    "block.near_duplicates": "Noms proches (peut-être la même personne ou le même client)",
    "col.file": "Fichier",
    "col.role_file": "Contenu",
    "col.format": "Format",
    "col.encoding": "Encodage",
    "col.delimiter": "Séparateur",
    "col.sheet": "Feuille",
    "col.header_row": "Ligne d'en-tête",
    "col.layout": "Présentation reconnue",
    "col.date_policy": "Lecture des dates",
    "col.read": "Lignes lues",
    "col.used": "Utilisées",
    "col.skipped": "Ignorées",
    "col.rejected": "Rejetées",
    "col.sha256": "SHA-256",
    "col.field": "Champ keyrisk",
    "col.source_header": "Colonne du fichier",
    "col.row": "Ligne",
    "col.column": "Colonne",
    "col.value": "Valeur",
    "col.code": "Code",
    "col.severity": "Gravité",
    "col.message": "Message",
    "col.kind": "Type",
    "col.name": "Nom",
    "col.similar_to": "Proche de",
    "col.similarity": "Similarité",
    "quality.no_problems": "Aucune anomalie.",
    "quality.no_duplicates": "Aucun nom proche.",
    "quality.truncated": "{shown} anomalies affichées sur {total}.",
    "delimiter.tab": "tabulation",
    # method
    "method.title": "Méthode (version 1) : définitions et paramètres",
    "method.term": "Terme",
    "method.definition": "Définition",
    "method.more": "Détails, formules et exemple complet : docs/method.md (section Français).",
    "def.interaction": (
        "Interaction : tout contact enregistré entre un collaborateur et un compte (appel, "
        "rendez-vous, e-mail, visite, devis, commande, ticket, facture)."
    ),
    "def.weight": (
        "Poids de la relation : somme des interactions de la fenêtre, chacune comptant pour "
        "moitié après une demi-vie ({half_life})."
    ),
    "def.share": (
        "Part : poids du collaborateur divisé par le poids total du compte ; l'interlocuteur "
        "principal a la plus grande part."
    ),
    "def.holder": (
        "Détenteur : au moins {ratio} du poids de l'interlocuteur principal et au moins "
        "{min_n} interactions (l'interlocuteur principal est toujours détenteur)."
    ),
    "def.gone": (
        "Parti : date de sortie passée, déclaré inactif, ou aucune interaction depuis "
        "{inactive} jours."
    ),
    "def.bus_account": (
        "Facteur d'autobus d'un compte : nombre de détenteurs encore actifs ; 0 = compte orphelin."
    ),
    "def.risk": (
        "Niveau de risque : critique si orphelin, ou un seul détenteur et au moins 10 % du CA ; "
        "élevé si un seul détenteur ; moyen si deux ; faible au-delà."
    ),
    "def.revenue": (
        "Chiffre d'affaires d'un compte : celui du fichier clients, sinon les commandes et "
        "factures des {days} derniers jours ; sans aucun montant, chaque compte compte pour 1."
    ),
    "def.bus_portfolio": (
        "Facteur d'autobus de l'entreprise : le plus petit nombre de départs qui rendrait "
        "orphelin au moins {coverage} du CA (comptes déjà orphelins compris). Calcul exact "
        "quand c'est possible, sinon recherche gloutonne qui donne une borne supérieure."
    ),
    "def.departure": (
        "Départ le plus coûteux, binôme le plus coûteux : la personne, et la paire, dont le "
        "départ laisserait le plus de CA sans détenteur."
    ),
    "def.single_holder": (
        "Part à détenteur unique : part du CA réalisée sur des comptes ayant au plus un "
        "détenteur actif."
    ),
    "def.hhi": (
        "IHH clients : somme des carrés des parts de CA des clients. Seuils américains 2023 : "
        "au-delà de 0,18 fortement concentré ; européens 2004 : au-delà de 0,20 élevé. Ces "
        "seuils viennent du contrôle des fusions et ne servent que d'échelle familière."
    ),
    "def.elephant": (
        "Facteur éléphant : le plus petit nombre de clients qui font ensemble la moitié du CA."
    ),
    "def.ifrs8": "Clients importants : 10 % ou plus du CA (seuil d'information d'IFRS 8).",
    "def.lights": (
        "Signaux (repères, pas des normes) : facteur d'autobus 0-1 critique, 2 élevé, 3 à "
        "surveiller ; part à détenteur unique ≥ 50 % critique, ≥ 30 % élevé, ≥ 10 % à "
        "surveiller ; départ le plus coûteux ≥ 25 % critique, ≥ 15 % élevé, ≥ 5 % à surveiller."
    ),
    "def.limits": (
        "Limites : keyrisk ne voit que ce qui est enregistré. Une relation entretenue hors du "
        "CRM (téléphone personnel, déjeuners) n'apparaît pas ; les résultats se lisent avec "
        "les équipes."
    ),
    # charts
    "chart.alone": "détenu seul",
    "chart.shared": "détenu à plusieurs",
    "chart.revenue_axis": "Chiffre d'affaires",
    "chart.revenue_axis.count": "Nombre de comptes",
    "chart.held.title": "Sans {name}, {share} du CA n'aurait plus de détenteur",
    "chart.held.title.count": "Sans {name}, {share} des comptes n'auraient plus de détenteur",
    "chart.held.empty": "Aucun compte détenu",
    "chart.bus.title": "{share} du CA n'a qu'un détenteur actif, ou plus aucun",
    "chart.bus.title.count": "{share} des comptes n'ont qu'un détenteur actif, ou plus aucun",
    "chart.bus.accounts": "Comptes",
    "chart.bus.revenue": "Chiffre d'affaires",
    "chart.bus.xlabel": "Détenteurs actifs par compte",
    "chart.bus.orphaned": "0 (orphelin)",
    "chart.curve.title": "Les {k} premières personnes détiennent seules {share} du CA",
    "chart.curve.title.count": "Les {k} premières personnes détiennent seules {share} des comptes",
    "chart.curve.title1": "Une personne détient à elle seule {share} du CA",
    "chart.curve.title1.count": "Une personne détient à elle seule {share} des comptes",
    "chart.curve.alone": "CA détenu seul (cumul)",
    "chart.curve.weighted": "CA pondéré par la part de relation (cumul)",
    "chart.curve.xlabel": "Nombre de personnes (des plus exposées aux moins exposées)",
    "chart.curve.ylabel": "Part cumulée du CA",
    "chart.curve.ylabel.count": "Part cumulée des comptes",
    "chart.orphan.title": "Si {people} partent, {share} du CA n'a plus de détenteur",
    "chart.orphan.title1": "Si {people} part, {share} du CA n'a plus de détenteur",
    "chart.orphan.title.count": "Si {people} partent, {share} des comptes n'ont plus de détenteur",
    "chart.orphan.title1.count": "Si {people} part, {share} des comptes n'ont plus de détenteur",
    "chart.orphan.title0": "{share} du CA est déjà orphelin",
    "chart.orphan.title0.count": "{share} des comptes sont déjà orphelins",
    "chart.orphan.title_none": "Aucun départ ne rend orphelin {target} du CA",
    "chart.orphan.xlabel": "Départs successifs",
    "chart.orphan.ylabel": "Part du CA sans détenteur",
    "chart.orphan.ylabel.count": "Part des comptes sans détenteur",
    "chart.orphan.target": "cible : {target}",
    "chart.orphan.start": "aujourd'hui",
    "chart.network.title": "Les {n} comptes les plus à risque : {k} n'ont qu'un détenteur ou aucun",
    "chart.network.staff_active": "collaborateur actif",
    "chart.network.staff_gone": "collaborateur parti",
    "chart.network.holder": "détenteur",
    "chart.network.contact": "simple contact",
    "chart.network.lost": "détenteur parti",
    "chart.network.empty": "Aucun compte",
    "chart.heat.title": "{k} des {n} plus gros comptes reposent à 80 % ou plus sur une personne",
    "chart.heat.title_none": "Aucun des {n} plus gros comptes ne dépend d'une seule personne "
    "(part maximale : {top})",
    "chart.heat.colorbar": "Part de la relation",
    "chart.clients.title": "{k} clients font la moitié du CA ; le premier pèse {share}",
    "chart.clients.title1": "Un seul client fait la moitié du CA : il pèse {share}",
    "chart.clients.empty": "Aucun chiffre d'affaires connu par client",
    "chart.clients.bars": "Part du CA",
    "chart.clients.cum": "Part cumulée",
    "chart.clients.half": "moitié du CA",
    "chart.clients.xlabel": "Clients, du plus gros au plus petit",
    # charts that fit: three names at most, a finding in every title
    "chart.orphan.title_many": (
        "Si {n} personnes partent (dont {people}), {share} du CA n'a plus de détenteur"
    ),
    "chart.orphan.title_many.count": (
        "Si {n} personnes partent (dont {people}), {share} des comptes n'ont plus de détenteur"
    ),
    "chart.network.finding": "Sur les {n} comptes les plus à risque, {findings}",
    "chart.network.orphaned": "{k} n'ont plus de détenteur",
    "chart.network.orphaned.one": "{k} n'a plus de détenteur",
    "chart.network.single": "{k} ne reposent que sur une personne",
    "chart.network.single.one": "{k} ne repose que sur une personne",
    "chart.network.single_top": "{k} ne reposent que sur une personne, dont {c} sur {name}",
    "chart.network.single_all": "{k} ne reposent que sur {name}",
    "chart.network.none": (
        "Aucun des {n} comptes les plus à risque ne repose sur une seule personne"
    ),
    "chart.heat.title.one": "{k} des {n} plus gros comptes repose à 80 % ou plus sur une personne",
    "chart.heat.title_all": (
        "Chacun des {n} plus gros comptes repose à 80 % ou plus sur une personne"
    ),
    "chart.heat.title_all.count": (
        "Chacun des {n} comptes les plus à risque repose à 80 % ou plus sur une personne"
    ),
    "chart.heat.title.count": (
        "{k} des {n} comptes les plus à risque reposent à 80 % ou plus sur une personne"
    ),
    "chart.heat.title.one.count": (
        "{k} des {n} comptes les plus à risque repose à 80 % ou plus sur une personne"
    ),
    "chart.heat.title_none.count": (
        "Aucun des {n} comptes les plus à risque ne dépend d'une seule personne "
        "(part maximale : {top})"
    ),
    # what-if in the terminal
    "whatif.leaves": "Si {people} partent :",
    "whatif.leaves.one": "Si {people} part :",
    "whatif.orphaned": "comptes devenus orphelins :",
    "whatif.weakened": "comptes fragilisés :",
    "whatif.revenue": "CA à risque :",
    "whatif.revenue.count": "comptes à risque :",
    "whatif.share": "{amount} ({share} du total)",
    "whatif.pipeline": "pipeline ouvert à risque :",
    "whatif.account": "compte orphelin",
    "whatif.amount": "CA",
    "whatif.more": "... et {n} de plus",
    # aliases to paste, on the Data quality sheet
    "block.aliases": "Noms proches : lignes à copier dans keyrisk.toml",
    "quality.aliases": (
        "Supprimer les lignes qui désignent des personnes ou des clients différents, "
        "puis copier les autres dans keyrisk.toml et relancer keyrisk."
    ),
    "names.and": "et",
}

_EN: dict[str, str] = {
    "sheet.summary": "Summary",
    "sheet.accounts": "Accounts",
    "sheet.staff": "Staff",
    "sheet.scenarios": "Scenarios",
    "sheet.clients": "Clients",
    "sheet.quality": "Data quality",
    "sheet.method": "Method",
    "summary.title": "Key-person dependency of client relationships",
    "summary.as_of": "Situation as of {as_of}",
    "summary.no_as_of": "Undated data",
    "summary.caveat": "Caution: {message}",
    # print and hand-over
    "print.confidential": "Confidential",
    "print.page": "page {page} / {pages}",
    "print.prepared_by": "Prepared by {author}",
    "error.locked": (
        "{name} is in use and cannot be replaced: close {name} in Excel and run again "
        "(the previous report is unchanged)."
    ),
    "error.write": (
        "Cannot write the report into {folder}: {reason}. Nothing was changed in that folder."
    ),
    "error.disk_full": "disk full",
    "block.key_figures": "Key figures",
    "block.next_steps": "What to do next",
    "block.parameters": "Parameters used",
    "block.coverage": "Data coverage",
    "block.metadata": "About this report",
    "block.notice": "Purpose and data protection",
    "kv.figure": "Figure",
    "kv.value": "Value",
    "kv.signal": "Signal",
    "kv.comment": "Comment",
    "kf.total_revenue": "Revenue analysed",
    "kf.total_revenue.count": "Accounts analysed",
    "kf.accounts": "Client accounts",
    "kf.staff": "Staff (active / total)",
    "kf.revenue_bus_factor": "Revenue bus factor",
    "kf.revenue_bus_factor.count": "Portfolio bus factor",
    "kf.account_bus_factor": "Account bus factor",
    "kf.single_holder": "Revenue share resting on a single person, or none",
    "kf.single_holder.count": "Share of accounts resting on a single person, or none",
    "kf.orphaned_accounts": "Orphaned accounts (no active holder left)",
    "kf.orphaned_revenue": "Revenue of orphaned accounts",
    "kf.orphaned_revenue.count": "Share of orphaned accounts",
    "kf.top_departure": "Costliest single departure (share of revenue at risk)",
    "kf.top_departure.count": "Costliest single departure (share of accounts at risk)",
    "kf.top_pair": "Costliest pair (share of revenue at risk)",
    "kf.top_pair.count": "Costliest pair (share of accounts at risk)",
    "kf.client_hhi": "Client concentration (HHI)",
    "kf.elephant": "Elephant factor (clients making 50% of revenue)",
    "kf.top1": "Largest client's share",
    "kf.top5": "Five largest clients' share",
    "note.bus": "{people}: {share} orphaned once they leave (target {target}); method {method}",
    "note.bus_zero": "Accounts already orphaned make {share} (target {target})",
    "note.bus_none": "Even every active person leaving does not reach the {target} target",
    "note.lower_bound": "upper bound; lower bound: {lower}",
    "note.departure": "{people}: {amount}, {n} account(s) left without a holder",
    "note.none": "none",
    "note.orphaned": "{amount} ({share}); largest: {largest}",
    "note.single_holder": "accounts with a bus factor of 0 or 1",
    "note.hhi": "US 2023: {us}; EU 2004: {eu}",
    "note.elephant": "out of {n} invoiced clients",
    "note.top1": "{name}",
    "note.large_clients": "{n} client(s) at 10% of revenue or more (IFRS 8 threshold)",
    "method.exact": "exact",
    "method.greedy upper bound": "greedy search (upper bound)",
    "method.greedy": "greedy search",
    "method.trivial": "reached without departures",
    "bus.not_reached": "not reached",
    "value.not_available": "n/a",
    "light.red": "Critical",
    "light.orange": "High",
    "light.yellow": "Watch",
    "light.green": "Satisfactory",
    "risk.critical": "critical",
    "risk.dormant": "dormant",
    "risk.high": "high",
    "risk.medium": "medium",
    "risk.low": "low",
    "yes": "yes",
    "no": "no",
    "status.active": "active",
    "status.gone": "gone",
    "gone.end date": "end date passed",
    "gone.inactive": "inactive for {days} days",
    "gone.active flag": "flagged inactive",
    "source.accounts table": "accounts file",
    "source.amounts": "amounts (orders, invoices)",
    "source.unknown": "unknown",
    "severity.error": "error",
    "severity.warning": "warning",
    "severity.info": "info",
    "role.interactions": "activities",
    "role.accounts": "accounts",
    "role.staff": "staff",
    "role.lines": "invoice lines",
    "kind.staff": "staff",
    "kind.account": "account",
    "band.unconcentrated": "unconcentrated",
    "band.moderately concentrated": "moderately concentrated",
    "band.highly concentrated": "highly concentrated",
    "band.low (HHI < 1000)": "low (HHI < 1,000)",
    "band.medium (1000 <= HHI <= 2000)": "medium (1,000 ≤ HHI ≤ 2,000)",
    "band.high (HHI > 2000)": "high (HHI > 2,000)",
    "band.n/a": "n/a",
    "todo.backup": (
        "Name a second holder for the {n} accounts {name} holds alone ({amount}, {share} of "
        "revenue), starting with {first}."
    ),
    "todo.backup.count": (
        "Name a second holder for the {n} accounts {name} holds alone ({share} of the "
        "accounts), starting with {first}."
    ),
    "todo.backup1": (
        "Name a second holder for the account {name} holds alone: {first} ({amount}, {share} "
        "of revenue)."
    ),
    "todo.backup1.count": "Name a second holder for the account {name} holds alone: {first}.",
    "todo.orphaned": "Reassign the {n} orphaned accounts ({amount}) now, starting with {first}.",
    "todo.orphaned1": "Reassign the orphaned account {first} ({amount}) now.",
    "todo.orphaned.count": "Reassign the {n} orphaned accounts now, starting with {first}.",
    "todo.orphaned1.count": "Reassign the orphaned account {first} now.",
    "todo.orphaned_norev": (
        "Give a holder to the {n} orphaned accounts, with no revenue recorded in the period, "
        "starting with {first}."
    ),
    "todo.orphaned_norev1": (
        "Give a holder to the orphaned account {first}, with no revenue recorded in the period."
    ),
    "todo.candidates": " Candidates from the data: {people}.",
    "todo.candidate.contact": "{name}{role}, already in contact with {k} of these accounts",
    "todo.candidate.contact1": "{name}{role}, already in contact with this account",
    "todo.candidate.department": "{name}{role}, same department ({department})",
    "todo.candidate.role": "{name}{role}, same trade",
    "todo.history": (
        "Have {people} write down the history of their key accounts (stakes, contacts, "
        "commitments made) in the CRM, where others can read it."
    ),
    "todo.history1": (
        "Have {people} write down the history of their key accounts (stakes, contacts, "
        "commitments made) in the CRM, where others can read it."
    ),
    "todo.involve": (
        "Involve {people}, who already work on {accounts} as non-holders, as second contacts "
        "of those accounts."
    ),
    "todo.involve1": (
        "Involve {people}, who already works on {accounts} as a non-holder, as a second contact."
    ),
    "todo.involve.accounts": "{n} single-holder accounts",
    "todo.involve.accounts1": "one single-holder account",
    "todo.clients": (
        "Watch the clients at 10% of revenue or more ({names}) closely: at least two "
        "contacts known to the client."
    ),
    "todo.more": "{names} and {k} more",
    "todo.crm": (
        "Measure again in 3 months and check who logs activity in the CRM (after 1, 3 and 6 "
        "months)."
    ),
    "param.as_of": "Analysis date (as_of)",
    "param.window_days": "Observation window (days)",
    "param.half_life_days": "Half-life of an interaction (days)",
    "param.kind_weights": "Weight per interaction kind",
    "param.holder_ratio": "Holder threshold (share of the largest weight)",
    "param.min_interactions": "Minimum interactions of a secondary holder",
    "param.inactive_days": "Inactivity meaning gone (days)",
    "param.revenue_days": "Period of computed revenue (days)",
    "param.coverage": "Revenue share targeted by the bus factor",
    "param.exact_time_limit": "Time allowed to the exact search (s)",
    "param.max_new_backups": "Most new accounts given to one person (plan)",
    "param.capacity_ratio": "Maximum load (multiple of the median accounts held)",
    "param.turnover_rate": "Annual probability of leaving (simulation)",
    "param.draws": "Simulation draws",
    "param.seed": "Simulation seed",
    "param.none": "none",
    "param.all_one": "1 for every kind",
    "cov.files": "Files read",
    "cov.read": "Rows read",
    "cov.used": "Rows used",
    "cov.skipped": "Rows skipped (totals, duplicates...)",
    "cov.rejected": "Rows rejected",
    "cov.period": "Period covered by the activities",
    "cov.period_value": "{start} to {end}",
    "cov.as_of": "Analysis date",
    "cov.interactions": "Interactions kept",
    "cov.problems": "Problems reported",
    "cov.basis": "Basis of the amounts",
    "basis.revenue": "revenue",
    "basis.count": "number of accounts (no revenue known)",
    "meta.tool": "Tool",
    "meta.version": "keyrisk {version}",
    "meta.run_date": "Report produced on",
    "meta.as_of": "Data as of",
    "meta.pseudonymised": "Staff names pseudonymised",
    "meta.file": "Input file",
    "meta.sha": "SHA-256: {sha}",
    "meta.language": "Language",
    "meta.language_value": "English",
    "notice.1": (
        "This report measures an organisational risk: how much client relationships depend on "
        "a few people. It does not evaluate individual performance and must not be used to "
        "rate or sanction anyone."
    ),
    "notice.2": (
        "GDPR: data minimisation (only the names, dates and amounts needed are read), purpose "
        "limitation (continuity of client relationships), distribution limited to those who "
        "need it; pseudonymise names if the report circulates more widely."
    ),
    "col.account": "Account",
    "col.risk_level": "Risk level",
    "col.revenue": "Revenue",
    "col.revenue.count": "Revenue (unknown)",
    "col.revenue_share": "Revenue share",
    "col.revenue_share.count": "Share of accounts",
    "col.bus_factor": "Bus factor",
    "col.holders": "Active holders",
    "col.top_staff": "Main contact",
    "col.top_share": "Main contact's share",
    "col.n_contacts": "Staff in contact",
    "col.effective_contacts": "Effective contacts",
    "col.hhi": "Contacts HHI",
    "col.gone_holders": "Gone holders",
    "col.orphaned": "Orphaned",
    "col.last_contact": "Last contact",
    "col.pipeline": "Open pipeline",
    "col.owner": "Owner (file)",
    "col.segment": "Segment",
    "col.revenue_source": "Revenue source",
    "col.staff": "Staff member",
    "col.role": "Role",
    "col.department": "Department",
    "col.status": "Status",
    "col.gone_reason": "Why gone",
    "col.last_activity": "Last activity",
    "col.n_accounts": "Accounts touched",
    "col.n_held": "Accounts held",
    "col.n_sole": "Accounts held alone",
    "col.revenue_held": "Revenue held",
    "col.revenue_held.count": "Accounts held (count)",
    "col.revenue_sole": "Revenue held alone",
    "col.revenue_sole.count": "Accounts held alone (count)",
    "col.sole_share": "Share of revenue held alone",
    "col.sole_share.count": "Share of accounts held alone",
    "col.revenue_weighted": "Revenue weighted by relationship share",
    "col.revenue_weighted.count": "Accounts weighted by relationship share",
    "col.accounts_sole": "Accounts held alone (largest)",
    "block.top_departures": "Costliest single departures",
    "block.top_pair": "The costliest pair",
    "block.bus_steps": "The people of the bus factor, in the order they leave",
    "col.rank": "Rank",
    "col.revenue_at_risk": "Revenue at risk",
    "col.revenue_at_risk.count": "Accounts at risk",
    "col.share": "Share of total",
    "col.accounts_orphaned": "Accounts orphaned",
    "col.step": "Step",
    "col.leaves": "Leaving",
    "col.cumulative": "Cumulative revenue orphaned",
    "col.cumulative.count": "Cumulative accounts orphaned",
    "col.cumulative_share": "Cumulative share",
    "col.target_reached": "Target reached",
    "step.already": "accounts already orphaned",
    "pair.people": "Pair",
    "pair.revenue": "Revenue at risk",
    "pair.revenue.count": "Accounts at risk",
    "pair.share": "Share of total",
    "pair.accounts": "Accounts orphaned",
    "pair.pipeline": "Open pipeline on those accounts",
    "pair.none": "No pair puts revenue at risk.",
    "block.concentration": "Client concentration",
    "block.large_clients": "Clients at 10% of revenue or more (IFRS 8 threshold)",
    "block.shares": "Revenue share per client (largest {n})",
    "conc.hhi": "Client HHI",
    "conc.points": "HHI in points (× 10,000)",
    "conc.us": "US 2023 merger guidelines",
    "conc.eu": "EU 2004 merger guidelines",
    "conc.top1": "Largest client's share",
    "conc.top5": "Five largest clients' share",
    "conc.elephant": "Elephant factor",
    "conc.n_clients": "Invoiced clients",
    "conc.count_basis": "No revenue known: concentration cannot be measured.",
    "conc.none_large": "No client reaches 10% of revenue.",
    "col.client": "Client",
    "col.cum_share": "Cumulative share",
    "block.files": "Files read",
    "block.mapping": "Columns recognised",
    "block.problems": "Problems",
    "block.near_duplicates": "Similar names (maybe the same person or client)",
    "col.file": "File",
    "col.role_file": "Content",
    "col.format": "Format",
    "col.encoding": "Encoding",
    "col.delimiter": "Delimiter",
    "col.sheet": "Sheet",
    "col.header_row": "Header row",
    "col.layout": "Layout recognised",
    "col.date_policy": "Date reading",
    "col.read": "Rows read",
    "col.used": "Used",
    "col.skipped": "Skipped",
    "col.rejected": "Rejected",
    "col.sha256": "SHA-256",
    "col.field": "keyrisk field",
    "col.source_header": "File column",
    "col.row": "Row",
    "col.column": "Column",
    "col.value": "Value",
    "col.code": "Code",
    "col.severity": "Severity",
    "col.message": "Message",
    "col.kind": "Kind",
    "col.name": "Name",
    "col.similar_to": "Similar to",
    "col.similarity": "Similarity",
    "quality.no_problems": "No problem.",
    "quality.no_duplicates": "No similar names.",
    "quality.truncated": "{shown} of {total} problems shown.",
    "delimiter.tab": "tab",
    "method.title": "Method (version 1): definitions and parameters",
    "method.term": "Term",
    "method.definition": "Definition",
    "method.more": "Details, formulas and a full worked example: docs/method.md (English section).",
    "def.interaction": (
        "Interaction: any recorded touch between a staff member and an account (call, meeting, "
        "email, visit, quote, order, ticket, invoice)."
    ),
    "def.weight": (
        "Relationship weight: sum of the interactions in the window, each counting half after "
        "one half-life ({half_life})."
    ),
    "def.share": (
        "Share: the staff member's weight divided by the account's total weight; the main "
        "contact has the largest share."
    ),
    "def.holder": (
        "Holder: at least {ratio} of the main contact's weight and at least {min_n} "
        "interactions (the main contact is always a holder)."
    ),
    "def.gone": ("Gone: end date passed, flagged inactive, or no interaction for {inactive} days."),
    "def.bus_account": (
        "Bus factor of an account: number of holders still active; 0 = orphaned account."
    ),
    "def.risk": (
        "Risk level: critical when orphaned, or a single holder and at least 10% of revenue; "
        "high with a single holder; medium with two; low beyond."
    ),
    "def.revenue": (
        "Revenue of an account: the accounts file's, otherwise the orders and invoices of the "
        "last {days} days; with no amount at all, every account counts 1."
    ),
    "def.bus_portfolio": (
        "Company bus factor: the fewest departures that would orphan at least {coverage} of "
        "revenue (accounts already orphaned included). Exact when possible, otherwise a greedy "
        "search that gives an upper bound."
    ),
    "def.departure": (
        "Costliest departure, costliest pair: the person, and the pair, whose departure would "
        "leave the most revenue without a holder."
    ),
    "def.single_holder": (
        "Single-holder share: share of revenue in accounts with at most one active holder."
    ),
    "def.hhi": (
        "Client HHI: sum of the squared revenue shares of the clients. US 2023 bands: above "
        "0.18 highly concentrated; EU 2004: above 0.20 high. These thresholds come from merger "
        "control and serve only as a familiar scale."
    ),
    "def.elephant": "Elephant factor: the fewest clients that together make half of revenue.",
    "def.ifrs8": "Major clients: 10% of revenue or more (the IFRS 8 disclosure threshold).",
    "def.lights": (
        "Signals (rules of thumb, not standards): bus factor 0-1 critical, 2 high, 3 watch; "
        "single-holder share ≥ 50% critical, ≥ 30% high, ≥ 10% watch; costliest departure "
        "≥ 25% critical, ≥ 15% high, ≥ 5% watch."
    ),
    "def.limits": (
        "Limits: keyrisk only sees what is recorded. A relationship kept outside the CRM "
        "(personal phone, lunches) does not show; read the results with the teams."
    ),
    "chart.alone": "held alone",
    "chart.shared": "held with others",
    "chart.revenue_axis": "Revenue",
    "chart.revenue_axis.count": "Number of accounts",
    "chart.held.title": "{name} alone holds {share} of revenue",
    "chart.held.title.count": "{name} alone holds {share} of the accounts",
    "chart.held.empty": "No account held",
    "chart.bus.title": "{share} of revenue has one active holder, or none left",
    "chart.bus.title.count": "{share} of the accounts have one active holder, or none left",
    "chart.bus.accounts": "Accounts",
    "chart.bus.revenue": "Revenue",
    "chart.bus.xlabel": "Active holders per account",
    "chart.bus.orphaned": "0 (orphaned)",
    "chart.curve.title": "The top {k} people alone hold {share} of revenue",
    "chart.curve.title.count": "The top {k} people alone hold {share} of the accounts",
    "chart.curve.title1": "One person alone holds {share} of revenue",
    "chart.curve.title1.count": "One person alone holds {share} of the accounts",
    "chart.curve.alone": "Revenue held alone (cumulative)",
    "chart.curve.weighted": "Revenue weighted by relationship share (cumulative)",
    "chart.curve.xlabel": "Number of people (most exposed first)",
    "chart.curve.ylabel": "Cumulative share of revenue",
    "chart.curve.ylabel.count": "Cumulative share of accounts",
    "chart.orphan.title": "If {people} leave, {share} of revenue has no holder left",
    "chart.orphan.title1": "If {people} leaves, {share} of revenue has no holder left",
    "chart.orphan.title.count": "If {people} leave, {share} of the accounts have no holder left",
    "chart.orphan.title1.count": "If {people} leaves, {share} of the accounts have no holder left",
    "chart.orphan.title0": "{share} of revenue is already orphaned",
    "chart.orphan.title0.count": "{share} of the accounts are already orphaned",
    "chart.orphan.title_none": "No set of departures orphans {target} of revenue",
    "chart.orphan.xlabel": "Successive departures",
    "chart.orphan.ylabel": "Share of revenue without a holder",
    "chart.orphan.ylabel.count": "Share of accounts without a holder",
    "chart.orphan.target": "target: {target}",
    "chart.orphan.start": "today",
    "chart.network.title": "The {n} riskiest accounts: {k} have one holder or none",
    "chart.network.staff_active": "active staff",
    "chart.network.staff_gone": "gone staff",
    "chart.network.holder": "holder",
    "chart.network.contact": "contact only",
    "chart.network.lost": "gone holder",
    "chart.network.empty": "No account",
    "chart.heat.title": "{k} of the {n} largest accounts rest 80% or more on one person",
    "chart.heat.title_none": "None of the {n} largest accounts rests on one person "
    "(largest share: {top})",
    "chart.heat.colorbar": "Relationship share",
    "chart.clients.title": "{k} clients make half of revenue; the largest weighs {share}",
    "chart.clients.title1": "A single client makes half of revenue: it weighs {share}",
    "chart.clients.empty": "No revenue known per client",
    "chart.clients.bars": "Revenue share",
    "chart.clients.cum": "Cumulative share",
    "chart.clients.half": "half of revenue",
    "chart.clients.xlabel": "Clients, largest first",
    # charts that fit: three names at most, a finding in every title
    "chart.orphan.title_many": (
        "If {n} people leave (including {people}), {share} of revenue has no holder left"
    ),
    "chart.orphan.title_many.count": (
        "If {n} people leave (including {people}), {share} of the accounts have no holder left"
    ),
    "chart.network.finding": "Of the {n} riskiest accounts, {findings}",
    "chart.network.orphaned": "{k} have no holder left",
    "chart.network.orphaned.one": "{k} has no holder left",
    "chart.network.single": "{k} rest on one person",
    "chart.network.single.one": "{k} rests on one person",
    "chart.network.single_top": "{k} rest on one person, {c} of them on {name}",
    "chart.network.single_all": "{k} rest on {name} alone",
    "chart.network.none": "None of the {n} riskiest accounts rests on a single person",
    "chart.heat.title.one": "{k} of the {n} largest accounts rests 80% or more on one person",
    "chart.heat.title_all": "Each of the {n} largest accounts rests 80% or more on one person",
    "chart.heat.title_all.count": (
        "Each of the {n} riskiest accounts rests 80% or more on one person"
    ),
    "chart.heat.title.count": "{k} of the {n} riskiest accounts rest 80% or more on one person",
    "chart.heat.title.one.count": (
        "{k} of the {n} riskiest accounts rests 80% or more on one person"
    ),
    "chart.heat.title_none.count": (
        "None of the {n} riskiest accounts rests on one person (largest share: {top})"
    ),
    # what-if in the terminal
    "whatif.leaves": "If {people} leave:",
    "whatif.leaves.one": "If {people} leaves:",
    "whatif.orphaned": "accounts newly orphaned:",
    "whatif.weakened": "accounts weakened:",
    "whatif.revenue": "revenue at risk:",
    "whatif.revenue.count": "accounts at risk:",
    "whatif.share": "{amount} ({share} of the total)",
    "whatif.pipeline": "open pipeline at risk:",
    "whatif.account": "orphaned account",
    "whatif.amount": "revenue",
    "whatif.more": "... and {n} more",
    # aliases to paste, on the Data quality sheet
    "block.aliases": "Similar names: lines to paste into keyrisk.toml",
    "quality.aliases": (
        "Delete the lines naming different people or clients, then paste the others into "
        "keyrisk.toml and run keyrisk again."
    ),
    "names.and": "and",
}

#: Every label, per language.
LABELS: dict[str, dict[str, str]] = {"fr": _FR, "en": _EN}


def check_lang(lang: object) -> str:
    """Return ``lang`` when it is a language of the report, else raise UsageError.

    Examples
    --------
    >>> check_lang("fr")
    'fr'
    """
    if not isinstance(lang, str) or lang not in LABELS:
        raise UsageError(f"Unknown report language {lang!r}; expected one of fr, en.")
    return lang


def t(key: str, lang: str, **fmt: object) -> str:
    """Return the label ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS` (``"sheet.summary"``...). A key ending in ``.count`` falls back
        to the key without it.
    lang : {"fr", "en"}
        The language.
    **fmt
        Values for the ``{placeholders}`` of the label.

    Returns
    -------
    str

    Raises
    ------
    UsageError
        When the language is unknown.
    KeyError
        When the key is unknown (a programming error).

    Examples
    --------
    >>> t("sheet.quality", "fr")
    'Qualité des données'
    >>> t("chart.held.title", "en", name="Ann", share="35%")
    'Ann alone holds 35% of revenue'
    """
    table = LABELS[check_lang(lang)]
    text = table.get(key)
    if text is None and key.endswith(".count"):
        text = table[key[: -len(".count")]]
    if text is None:
        raise KeyError(key)
    return text.format(**fmt) if fmt else text


def tb(key: str, lang: str, basis: str, **fmt: object) -> str:
    """Return :func:`t` of ``key + ".count"`` in count basis, else of ``key``.

    Examples
    --------
    >>> tb("col.revenue_held", "en", "count")
    'Accounts held (count)'
    """
    return t(key + ".count" if basis == "count" else key, lang, **fmt)


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def number(value: float, lang: str, decimals: int = 0) -> str:
    """Return ``value`` written the way ``lang`` writes numbers.

    Examples
    --------
    >>> number(1234567.891, "fr", 2) == "1\\u00a0234\\u00a0567,89"
    True
    >>> number(1234567.891, "en", 1)
    '1,234,567.9'
    """
    check_lang(lang)
    if value is None or not math.isfinite(float(value)):
        return t("value.not_available", lang)
    text = f"{abs(float(value)):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sep, dec = (NBSP, ",") if lang == "fr" else (",", ".")
    out = _group(whole, sep) + (dec + frac if frac else "")
    if float(value) < 0 and float(text) != 0:
        out = "-" + out
    return out


def percent(share: float, lang: str, decimals: int = 0) -> str:
    """Return a share (0.62) as a percentage ("62 %" in French, "62%" in English).

    Examples
    --------
    >>> percent(0.6249, "fr", 1) == "62,5\\u00a0%"
    True
    >>> percent(0.62, "en")
    '62%'
    """
    if share is None or not math.isfinite(float(share)):
        return t("value.not_available", lang)
    text = number(100.0 * float(share), lang, decimals)
    return f"{text}{NBSP}%" if lang == "fr" else f"{text}%"


def money(value: float, lang: str, basis: str = "revenue") -> str:
    """Return an amount ("4 091 890 €" in French, "4,091,890" in English).

    In count basis the amount is a number of accounts.

    Examples
    --------
    >>> money(4091890.36, "fr") == "4\\u00a0091\\u00a0890\\u00a0€"
    True
    >>> money(12.0, "en", "count")
    '12 accounts'
    """
    if basis == "count":
        word = "comptes" if lang == "fr" else "accounts"
        return f"{number(value, lang)} {word}"
    text = number(value, lang)
    return f"{text}{NBSP}€" if lang == "fr" else text


def join_names(names: Sequence[str], lang: str) -> str:
    """Return "A, B and C" / "A, B et C".

    Examples
    --------
    >>> join_names(["Marie", "Jean"], "fr")
    'Marie et Jean'
    """
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('names.and', lang)} " + items[-1]


_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")


def _de(names: str) -> str:
    """Return "de X" with the French elision ("d'Étienne")."""
    first = names[:1].casefold()
    return f"d'{names}" if first in _VOWELS else f"de {names}"


def bus_method(bus: BusFactor, lang: str) -> str:
    """Return how a bus factor was obtained, in ``lang``: the one label shown everywhere.

    The translation of :attr:`keyrisk.portfolio.BusFactor.label`: the method, and the proven
    lower bound when the value is not proven to be the minimum.

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(3, ("A", "B", "C"), "greedy upper bound", 2, (1.0, 2.0, 3.0), 3.0, 0.0)
    >>> bus_method(b, "en")
    'greedy search (upper bound); upper bound; lower bound: 2'
    >>> bus_method(BusFactor(2, ("A", "B"), "exact", 2, (1.0, 2.0), 2.0, 0.0), "fr")
    'exacte'
    """
    text = t(f"method.{bus.method}", lang)
    if not bus.is_exact and bus.lower_bound is not None:
        text += " ; " if lang == "fr" else "; "
        text += t("note.lower_bound", lang, lower=bus.lower_bound)
    return text


def headline(facts: Headline, lang: str) -> str:
    """Return the one-sentence headline in ``lang``, rendered from its facts.

    Parameters
    ----------
    facts : keyrisk.analysis.Headline
        The facts (:attr:`keyrisk.analysis.Portfolio.headline_facts`): the rule lives in
        :func:`keyrisk.analysis.headline_facts` only.
    lang : {"fr", "en"}
        The language.

    Returns
    -------
    str
        In English, exactly :func:`keyrisk.analysis.headline`.

    Examples
    --------
    >>> from keyrisk.analysis import headline_facts
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(2, ("Marie Dupont", "Jean Martin"), "exact", 2, (40.0, 62.0), 50.0, 0.0)
    >>> h = headline_facts(b, 0.7, 0.0, 100.0, "revenue")
    >>> headline(h, "fr").replace(NBSP, " ")
    "62 % du chiffre d'affaires dépend de Marie Dupont et Jean Martin"
    >>> headline(h, "en")
    '62% of revenue depends on Marie Dupont and Jean Martin'
    >>> b = BusFactor(5, ("A", "B", "C", "D", "E"), "exact", 5, (), 61.0, 22.0)
    >>> headline(headline_facts(b, 100 / 122, 22 / 122, 122.0, "count"), "fr").replace(NBSP, " ")
    "82 % des comptes reposent sur une seule personne et 18 % n'ont aucun détenteur actif"
    """
    check_lang(lang)
    if lang == "en":
        from keyrisk.analysis import headline as english

        return english(facts)
    count = facts.basis != "revenue"
    if facts.kind == "empty":
        return "Aucun compte à analyser" if count else "Aucun chiffre d'affaires à analyser"
    if facts.kind == "already":
        share = percent(facts.share, lang)
        if count:
            return f"{share} des comptes sont déjà orphelins"
        return f"{share} du chiffre d'affaires est déjà orphelin"
    if facts.kind == "depends":
        names = _de(join_names(list(facts.people), lang))
        share = percent(facts.share, lang)
        tail = ""
        if facts.mentions_orphaned:
            total, already = facts.shown_shares(1)
            share = percent(total, lang, 1)
            tail = f", dont {percent(already, lang, 1)} déjà orphelin{'s' if count else ''}"
        if count:
            return f"{share} des comptes dépendent {names}{tail}"
        return f"{share} du chiffre d'affaires dépend {names}{tail}"
    one, none = facts.one_holder_share, facts.no_holder_share
    if one <= 0 and none <= 0:
        if count:
            return "Aucun compte ne repose sur une seule personne"
        return "Aucune part du chiffre d'affaires ne repose sur une seule personne"
    if one <= 0:
        share = percent(none, lang)
        if count:
            return f"{share} des comptes n'ont aucun détenteur actif"
        return f"{share} du chiffre d'affaires n'a aucun détenteur actif"
    if count:
        text = f"{percent(one, lang)} des comptes reposent sur une seule personne"
    else:
        text = f"{percent(one, lang)} du chiffre d'affaires repose sur une seule personne"
        text += " par compte"
    if none > 0:
        verb = "n'ont" if count else "n'a"
        text += f" et {percent(none, lang)} {verb} aucun détenteur actif"
    return text
