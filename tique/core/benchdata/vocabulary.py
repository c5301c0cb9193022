"""The words bench data is written with: small vocabularies in Spanish and English,
combined at random, so that full-text search meets real words ("llamadas entrantes",
"centralita", "portabilidad", "fax", "audio"…) in realistic proportions."""

from __future__ import annotations

import random

FIRST_NAMES = [
    "Marta", "Ana", "Luis", "Jorge", "Lucía", "Carlos", "Elena", "Pablo", "Sara", "Javier",
    "Carmen", "David", "Laura", "Miguel", "Paula", "Sergio", "Isabel", "Raúl", "Nuria", "Óscar",
    "Teresa", "Alberto", "Rocío", "Fernando", "Cristina", "Andrés", "Beatriz", "Iván", "Marina",
    "Álvaro", "Patricia", "Diego", "Silvia", "Rubén", "Irene", "Hugo", "Julia", "Mario", "Noelia",
    "Víctor", "Emma", "Daniel", "Olivia", "James", "Sophie", "Thomas", "Charlotte", "Peter",
]  # fmt: skip
LAST_NAMES = [
    "García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
    "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
    "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco",
    "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín",
    "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Smith", "Brown", "Taylor", "Wilson",
]  # fmt: skip
COMPANY_WORDS = [
    "Acme", "Talleres", "Clínica", "Gestoría", "Hotel", "Distribuciones", "Transportes",
    "Asesores", "Construcciones", "Farmacia", "Academia", "Inmobiliaria", "Logística", "Óptica",
    "Seguros", "Consultores", "Electricidad", "Ferretería", "Hostal", "Bodegas", "Imprenta",
    "Laboratorios", "Muebles", "Panadería", "Restaurante", "Dental", "Veterinaria", "Abogados",
]  # fmt: skip
COMPANY_PLACES = [
    "Madrid", "Norte", "del Sur", "Levante", "Atlántico", "Sierra", "Mediterráneo", "Castilla",
    "Aragón", "Galicia", "Andalucía", "del Valle", "Central", "Ibérica", "Costa", "Mirador",
]  # fmt: skip
COMPANY_FORMS = ["S.L.", "S.A.", "S.L.U.", "S.Coop.", "Ltd."]
STREETS = [
    "Calle Mayor", "Avenida de América", "Calle de Alcalá", "Paseo de Gracia", "Calle Colón",
    "Avenida Diagonal", "Calle Serrano", "Gran Vía", "Calle Real", "Avenida de la Constitución",
]  # fmt: skip
CITIES = [
    ("28013", "Madrid"), ("08007", "Barcelona"), ("46004", "Valencia"), ("41001", "Sevilla"),
    ("50001", "Zaragoza"), ("29015", "Málaga"), ("48001", "Bilbao"), ("15003", "A Coruña"),
]  # fmt: skip
DEVICE_MODELS = [
    "Yealink T54W", "Yealink T46U", "Yealink W73P", "Grandstream GXP2170", "Snom D785",
    "Fanvil X6U", "Gigaset N670 IP", "Panasonic KX-HDV230", "Cisco SPA504G", "Poly VVX 450",
]  # fmt: skip
ROUTER_MODELS = [
    "MikroTik hEX", "Fortinet FortiGate 40F", "Cisco RV340", "TP-Link ER605",
    "Ubiquiti EdgeRouter X", "Zyxel USG Flex 100", "Teltonika RUTX11", "AVM FRITZ!Box 7590",
]  # fmt: skip
OPERATORS = ["Movistar", "Vodafone", "Orange", "MásMóvil", "Digi", "Operador Anterior S.A."]
SERVICES = [
    "Trunk SIP", "Centralita virtual", "Fax virtual", "Números 900", "Líneas móviles",
    "Fibra 1 Gb", "Grabación de llamadas", "Cola de llamadas",
]  # fmt: skip

# --- Ticket subjects (queries and "other" requests write their own) -----------------

_SUBJECT_ES = [
    "Configurar el desvío de llamadas fuera de horario",
    "Las llamadas entrantes no llegan a la cola de ventas",
    "Cómo envío un fax desde la centralita",
    "Cambiar la locución de bienvenida",
    "El teléfono de recepción se reinicia solo",
    "Duda sobre la portabilidad de la numeración",
    "Eco en el audio de las llamadas a móviles",
    "Alta de una extensión nueva en la centralita",
    "Grabación de llamadas: dónde se guardan",
    "No se oye el audio en las llamadas salientes",
    "Precio de las llamadas internacionales",
    "Factura con un importe distinto al habitual",
    "Ampliar el horario de la cola de soporte",
    "Identificación de llamada en las llamadas salientes",
    "Recibir los faxes en el correo electrónico",
    "Configurar el buzón de voz del departamento",
    "Tarifa plana para llamadas a fijos",
    "Música en espera cortada",
]  # fmt: skip
_SUBJECT_EN = [
    "Set up call forwarding after hours",
    "Incoming calls do not reach the sales queue",
    "How do I send a fax from the PBX",
    "Change the welcome announcement",
    "The reception phone keeps rebooting",
    "Question about number portability",
    "Echo on the audio of calls to mobiles",
    "Add a new extension to the PBX",
    "Call recording: where are the files kept",
    "No audio on outgoing calls",
    "Price of international calls",
    "Invoice amount differs from usual",
    "Caller ID on outgoing calls",
    "Receive faxes by e-mail",
    "Set up the department voicemail",
    "Hold music cuts out",
]  # fmt: skip

# --- Message bodies: sentences by role, combined ------------------------------------

_CUSTOMER_ES = {
    "open": [
        "Desde esta mañana las llamadas entrantes no llegan a la centralita.",
        "Tenemos problemas con el audio: a veces no se oye nada durante la llamada.",
        "El fax de la oficina no recibe documentos desde ayer.",
        "Los teléfonos de la segunda planta aparecen como no registrados.",
        "Queremos ampliar los canales del troncal para la campaña de Navidad.",
        "Necesitamos información sobre la portabilidad de tres números fijos.",
        "Al llamar a móviles se corta la llamada a los pocos segundos.",
        "La centralita no enruta las llamadas salientes y suena una extensión.",
        "Los clientes nos dicen que oyen un tono de ocupado al llamarnos.",
        "El teléfono de recepción no suena aunque las llamadas entran.",
        "Nos llega una factura con llamadas internacionales que no reconocemos.",
        "Queremos cambiar la locución de bienvenida de la centralita.",
    ],
    "detail": [
        "Ocurre sobre todo a primera hora y después de comer.",
        "Afecta a todas las extensiones de la oficina de Madrid.",
        "Solo pasa con las llamadas que vienen de móviles.",
        "El problema empezó después de cambiar el router.",
        "Hemos notado que el audio llega con retraso y con eco.",
        "La pantalla del teléfono muestra «sin servicio».",
        "Otras sedes de la empresa funcionan con normalidad.",
        "Los faxes salientes sí funcionan, el problema es al recibir.",
        "Pasa con varias marcas de teléfono, no solo con uno.",
    ],
    "tests": [
        "Hemos reiniciado el router y la centralita sin cambios.",
        "Probamos desde otro teléfono y pasa lo mismo.",
        "Llamamos desde un móvil y la llamada no entra.",
        "Revisamos el cableado y los puertos del switch.",
        "Hemos desactivado el SIP ALG del router.",
    ],
    "ask": [
        "¿Podéis revisarlo lo antes posible?",
        "Os agradecería que nos llaméis al teléfono de contacto.",
        "¿Necesitáis que os enviemos alguna traza?",
        "Quedamos a la espera de vuestra respuesta.",
        "Es urgente porque atendemos a clientes por teléfono todo el día.",
    ],
    "reply": [
        "Gracias, quedo a la espera.",
        "Adjunto la captura que nos pedís.",
        "Lo hemos probado y sigue pasando con las llamadas entrantes.",
        "Ahora funciona, el audio se oye bien en los dos sentidos.",
        "El fax ya recibe documentos, muchas gracias.",
        "¿Hay alguna novedad sobre la portabilidad?",
        "Esta mañana ha vuelto a fallar la centralita.",
        "Confirmado: el teléfono ya aparece registrado.",
        "Perfecto, podéis cerrar el ticket.",
    ],
}
_CUSTOMER_EN = {
    "open": [
        "Since this morning incoming calls do not reach the PBX.",
        "We have audio problems: sometimes nothing is heard during the call.",
        "The office fax has not received documents since yesterday.",
        "The phones on the second floor show as not registered.",
        "We want more channels on the trunk for the Christmas campaign.",
        "We need information about porting three landline numbers.",
        "Calls to mobiles drop after a few seconds.",
        "The PBX does not route outgoing calls and an extension rings instead.",
        "Customers tell us they hear a busy tone when they call us.",
        "We received an invoice with international calls we do not recognise.",
    ],
    "detail": [
        "It happens mostly first thing in the morning.",
        "It affects every extension in the Madrid office.",
        "It only happens with calls coming from mobiles.",
        "The problem started after we replaced the router.",
        "The audio arrives late and with echo.",
        "Other offices of the company work normally.",
    ],
    "tests": [
        "We restarted the router and the PBX with no change.",
        "We tried another phone and it is the same.",
        "We called from a mobile and the call does not come in.",
        "We disabled SIP ALG on the router.",
    ],
    "ask": [
        "Could you look into it as soon as possible?",
        "Please call us on the contact phone.",
        "Do you need us to send a trace?",
        "It is urgent: we answer customers by phone all day.",
    ],
    "reply": [
        "Thanks, waiting for your news.",
        "Attached is the screenshot you asked for.",
        "We tried again and incoming calls still fail.",
        "It works now, audio is fine both ways.",
        "The fax receives documents again, thank you.",
        "Any news about the number portability?",
        "Confirmed: the phone is registered now.",
        "Great, you can close the ticket.",
    ],
}
_AGENT_ES = {
    "greet": ["Hola:", "Buenos días:", "Buenas tardes:", "Hola de nuevo:"],
    "act": [
        "Hemos revisado el troncal y las llamadas entrantes ya se enrutan bien.",
        "Vemos en los registros SIP que el teléfono no se autentica.",
        "Hemos aplicado el cambio en la centralita.",
        "El audio se pierde por un problema de NAT en el router.",
        "La portabilidad está solicitada; el operador donante tiene cinco días hábiles.",
        "Hemos reactivado el servicio de fax a correo electrónico.",
        "Hemos ampliado los canales del troncal como pedisteis.",
        "Hemos corregido el enrutamiento de las llamadas salientes.",
        "El cargo de la factura corresponde a llamadas a números de tarificación especial.",
    ],
    "ask": [
        "¿Podéis comprobar si ahora funciona?",
        "Necesitamos una traza SIP de una llamada fallida con la hora exacta.",
        "¿Nos confirmáis el modelo del router y su firmware?",
        "Enviadnos una captura de la configuración de la extensión.",
        "¿Podéis desactivar el SIP ALG y probar de nuevo?",
    ],
    "close": [
        "Un saludo.",
        "Quedamos atentos.",
        "Si vuelve a pasar, responded a este mensaje.",
        "Gracias por vuestra paciencia.",
    ],
}
_AGENT_EN = {
    "greet": ["Hello,", "Good morning,", "Good afternoon,", "Hello again,"],
    "act": [
        "We checked the trunk and incoming calls are routed correctly now.",
        "The SIP logs show the phone fails to authenticate.",
        "We applied the change on the PBX.",
        "The audio is lost because of a NAT problem on the router.",
        "The port request is filed; the donor operator has five working days.",
        "We re-enabled fax to e-mail.",
        "We corrected the routing of outgoing calls.",
    ],
    "ask": [
        "Could you check whether it works now?",
        "We need a SIP trace of a failed call with its exact time.",
        "Could you confirm the router model and firmware?",
        "Could you disable SIP ALG and try again?",
    ],
    "close": [
        "Best regards.",
        "Let us know if it happens again.",
        "Thank you for your patience.",
    ],
}
_NOTES_ES = [
    "Revisado el registro SIP: el troncal responde 503 desde las 9:10. Escalar a red.",
    "Cliente con contrato de mantenimiento: prioridad en la próxima ventana.",
    "Pendiente de confirmar con facturación antes de contestar.",
    "Llamé al cliente: no contesta. Reintento por la tarde.",
    "Posible problema de NAT; pedir la configuración del router.",
    "La portabilidad depende del operador donante, no prometer fecha.",
    "Mismo fallo de audio que en otros clientes de este nodo.",
]  # fmt: skip
_NOTES_EN = [
    "Checked the SIP log: the trunk answers 503 since 9:10. Escalate to network.",
    "Customer has a maintenance contract: priority in the next window.",
    "Waiting for billing before answering.",
    "Called the customer, no answer. Try again this afternoon.",
    "Likely a NAT problem; ask for the router configuration.",
]  # fmt: skip
_TESTS_DONE_ES = _CUSTOMER_ES["tests"]
_TESTS_DONE_EN = _CUSTOMER_EN["tests"]


def _pick(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    return rng.sample(items, k=min(len(items), rng.randint(low, high)))


class Phrasebook:
    """Pools of ready-made bodies per language and role, built once from a seed; picking
    from a pool is what keeps a million tickets' worth of text fast to make."""

    POOL = 2048

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.opening = {
            "es": [self._customer_opening(_CUSTOMER_ES) for _ in range(self.POOL)],
            "en": [self._customer_opening(_CUSTOMER_EN) for _ in range(self.POOL)],
        }
        self.customer = {
            "es": [self._customer_reply(_CUSTOMER_ES) for _ in range(self.POOL)],
            "en": [self._customer_reply(_CUSTOMER_EN) for _ in range(self.POOL)],
        }
        self.agent = {
            "es": [self._agent(_AGENT_ES) for _ in range(self.POOL)],
            "en": [self._agent(_AGENT_EN) for _ in range(self.POOL)],
        }
        self.notes = {"es": _NOTES_ES, "en": _NOTES_EN}
        self.subjects = {"es": _SUBJECT_ES, "en": _SUBJECT_EN}
        self.tests_done = {"es": _TESTS_DONE_ES, "en": _TESTS_DONE_EN}

    def _customer_opening(self, words: dict[str, list[str]]) -> str:
        rng = self.rng
        parts = [rng.choice(words["open"]), *_pick(rng, words["detail"], 0, 2)]
        if rng.random() < 0.5:
            parts.append(rng.choice(words["tests"]))
        parts.append(rng.choice(words["ask"]))
        return " ".join(parts)

    def _customer_reply(self, words: dict[str, list[str]]) -> str:
        rng = self.rng
        parts = _pick(rng, words["reply"], 1, 2)
        if rng.random() < 0.3:
            parts.append(rng.choice(words["detail"]))
        return " ".join(parts)

    def _agent(self, words: dict[str, list[str]]) -> str:
        rng = self.rng
        body = " ".join([*_pick(rng, words["act"], 1, 2), *_pick(rng, words["ask"], 0, 1)])
        return f"{rng.choice(words['greet'])}\n\n{body}\n\n{rng.choice(words['close'])}"

    def sentences(self, language: str, low: int = 1, high: int = 3) -> str:
        """A short free text (a reason, a fault description) in the language."""
        words = _CUSTOMER_ES if language == "es" else _CUSTOMER_EN
        return " ".join(_pick(self.rng, words["open"] + words["detail"], low, high))
