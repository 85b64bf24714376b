//! The closed vocabularies of a plan: what a service is, how much a process
//! matters. Each value has an English and a French label for documents.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// How much a process matters: `vital` > `essential` > `important` >
/// `deferrable`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Criticality {
    Deferrable,
    Important,
    Essential,
    Vital,
}

impl Criticality {
    pub const ALL: [Criticality; 4] = [
        Criticality::Vital,
        Criticality::Essential,
        Criticality::Important,
        Criticality::Deferrable,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Criticality::Vital => "vital",
            Criticality::Essential => "essential",
            Criticality::Important => "important",
            Criticality::Deferrable => "deferrable",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Criticality::Vital, Lang::En) => "vital",
            (Criticality::Essential, Lang::En) => "essential",
            (Criticality::Important, Lang::En) => "important",
            (Criticality::Deferrable, Lang::En) => "deferrable",
            (Criticality::Vital, Lang::Fr) => "vitale",
            (Criticality::Essential, Lang::Fr) => "essentielle",
            (Criticality::Important, Lang::Fr) => "importante",
            (Criticality::Deferrable, Lang::Fr) => "différable",
        }
    }
}

macro_rules! service_kinds {
    ($($variant:ident $key:literal $en:literal $fr:literal,)*) => {
        /// What a service is. Drives colors in graphs and, in scenarios,
        /// which events can hit it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum ServiceKind {
            $($variant,)*
        }

        impl ServiceKind {
            pub const ALL: &[ServiceKind] = &[$(ServiceKind::$variant,)*];

            pub fn key(self) -> &'static str {
                match self { $(ServiceKind::$variant => $key,)* }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((ServiceKind::$variant, Lang::En) => $en,
                      (ServiceKind::$variant, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

service_kinds! {
    Power "power" "power" "énergie",
    Cooling "cooling" "cooling" "climatisation",
    Network "network" "network" "réseau",
    Telecom "telecom" "telecom link" "lien télécom",
    Internet "internet" "internet access" "accès internet",
    Security "security" "security" "sécurité",
    Hypervisor "hypervisor" "hypervisor" "hyperviseur",
    Storage "storage" "storage" "stockage",
    Backup "backup" "backup" "sauvegarde",
    Identity "identity" "identity" "annuaire",
    Dns "dns" "DNS" "DNS",
    Dhcp "dhcp" "DHCP" "DHCP",
    Database "database" "database" "base de données",
    Middleware "middleware" "middleware" "intergiciel",
    Application "application" "application" "application",
    Web "web" "web site" "site web",
    Messaging "messaging" "messaging" "messagerie",
    Telephony "telephony" "telephony" "téléphonie",
    Saas "saas" "SaaS" "SaaS",
    Supplier "supplier" "supplier" "fournisseur",
    Workstation "workstation" "workstations" "postes de travail",
    Scada "scada" "SCADA" "supervision industrielle",
    Other "other" "other" "autre",
}
