import { createContext } from 'react';
import type { Stores } from '../stores/create-stores';

/** The stores, made once in main.tsx around one ApiClient, handed down through React. */
export const StoresContext = createContext<Stores | null>(null);
